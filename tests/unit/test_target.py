import pytest

from fixtures.target import SandboxProcess, SandboxStartError


def fake_sandbox(tmp_path, main: str):
    package = tmp_path / "fake" / "sandbox"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(main)
    return tmp_path / "fake"


def test_a_sandbox_that_crashes_is_reported_with_its_stderr(tmp_path):
    cwd = fake_sandbox(tmp_path, "import sys\nprint('port 0 is taken, says the fake', file=sys.stderr)\nsys.exit(3)\n")
    proc = SandboxProcess(tmp_path / "data", token_ttl=300, start_timeout=10, cwd=cwd)
    with pytest.raises(SandboxStartError, match=r"(?s)exited with code 3.*port 0 is taken, says the fake"):
        proc.start()


def test_a_sandbox_that_prints_nothing_times_out_clearly(tmp_path):
    cwd = fake_sandbox(tmp_path, "import sys, threading\nprint('still booting', file=sys.stderr, flush=True)\n"
                                 "threading.Event().wait(30)\n")
    proc = SandboxProcess(tmp_path / "data", token_ttl=300, start_timeout=0.5, cwd=cwd)
    with pytest.raises(SandboxStartError, match=r"(?s)printed nothing in 0.5 s.*still booting"):
        proc.start()
    assert proc.proc is None  # stopped


def test_a_sandbox_that_prints_no_json_is_reported(tmp_path):
    cwd = fake_sandbox(tmp_path, "print('Agent console: http://127.0.0.1:1/login', flush=True)\n")
    proc = SandboxProcess(tmp_path / "data", token_ttl=300, start_timeout=5, cwd=cwd)
    with pytest.raises(SandboxStartError, match="first line is not the JSON"):
        proc.start()


def test_passes_free_ports_data_dir_and_token_ttl(tmp_path):
    proc = SandboxProcess(tmp_path / "d", token_ttl=42, start_timeout=1)
    assert proc.command[1:4] == ["-m", "sandbox", "--json"]
    assert ["--data-dir", str(tmp_path / "d")] == proc.command[4:6]
    assert "--token-ttl" in proc.command and "42" in proc.command


def test_an_unreachable_url_says_why():
    import socket

    from fixtures.target import unreachable

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert unreachable(f"http://127.0.0.1:{port}", timeout=2) == "connection refused"


def test_an_exit_by_signal_is_named():
    from fixtures.target import describe_exit

    assert describe_exit(-9) == "code -9 (killed by SIGKILL)"
    assert describe_exit(3) == "code 3"


def test_a_sandbox_that_exits_after_starting_reports_its_code_and_log(tmp_path):
    cwd = fake_sandbox(tmp_path, "import json, sys\nprint(json.dumps({'crm': 'http://127.0.0.1:1', 'cti': "
                                 "'http://127.0.0.1:2'}), flush=True)\n"
                                 "print('database is locked', file=sys.stderr)\nsys.exit(70)\n")
    proc = SandboxProcess(tmp_path / "data", token_ttl=300, start_timeout=10, cwd=cwd)
    proc.start()
    code = proc.exit_code(grace_s=10)
    assert code == 70
    report = proc.exit_report(code)
    assert report.startswith("the sandbox exited with code 70; its log (") and "database is locked" in report
