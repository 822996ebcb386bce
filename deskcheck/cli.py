"""The ``deskcheck`` command.

    deskcheck sandbox [ARGS...]   start the reference contact center (python -m sandbox ARGS...)
    deskcheck steps [--check]     write the step catalogue (docs/steps.md, steps.html) and the glossary
    deskcheck steps --usage       list the steps no feature uses and near-duplicate steps
    deskcheck glossary [-o FILE]  the configured target's own values (queues, dispositions, states, ...)
    deskcheck lint [PATHS...]     check feature files before any browser starts (exit 1 on errors)
    deskcheck monitor [--once]    synthetic monitoring: one test record through the crm -> marketing sync

The sandbox runs as a child process, so the suite's code never imports it.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable, Sequence

from deskcheck.children import die_with_parent

ROOT = Path(__file__).resolve().parent.parent


def run_sandbox(args: Sequence[str]) -> int:
    """``python -m sandbox`` with the given arguments; it never outlives this command.

    Ctrl-C, SIGTERM and SIGHUP are passed on to the sandbox, which stops cleanly; if this process is
    killed outright (SIGKILL), the kernel sends the sandbox SIGTERM (deskcheck.children).
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "sandbox", *args], env=env, preexec_fn=die_with_parent())

    def pass_on(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, pass_on)
    try:
        code = proc.wait()
    except KeyboardInterrupt as stop:
        proc.send_signal(stop.args[0] if stop.args else signal.SIGINT)
        try:
            code = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
    return 128 - code if code < 0 else code  # ended by signal N: 128 + N, as a shell reports it


def run_steps(args: Sequence[str]) -> int:
    from deskcheck import catalogue

    return catalogue.main(args)


def run_glossary(args: Sequence[str]) -> int:
    from deskcheck import glossary

    return glossary.main(args)


def run_lint(args: Sequence[str]) -> int:
    from deskcheck import lint

    return lint.main(args)


def run_monitor(args: Sequence[str]) -> int:
    from deskcheck import monitor

    return monitor.main(args)


COMMANDS: dict[str, tuple[str, Callable[[Sequence[str]], int]]] = {
    "sandbox": ("start the reference contact center (crm + cti) for a person to click around; "
                "arguments are passed to `python -m sandbox` (try `deskcheck sandbox --help`)", run_sandbox),
    "steps": ("write the step catalogue by business concept (docs/steps.md, docs/steps.html with a search box) and "
              "the sandbox's glossary (docs/glossary.md); --check, --stdout, --no-glossary, --usage", run_steps),
    "glossary": ("print (or -o write) the configured target's own values, read through its adapters: queues, "
                 "dispositions, agent states, IVR menus, intents, SLA policies, actors", run_glossary),
    "lint": ("check feature files (default features/): undefined steps (with a definition to paste), lines two "
             "steps match, names that are no actor or customer, tags, outlines, duplicates, fixed waits, parse "
             "errors", run_lint),
    "monitor": ("place one test record through the crm -> marketing sync on a schedule and report its health "
                "(--once for one probe; try `deskcheck monitor --help`)", run_monitor),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deskcheck", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, _) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        parser.error(f"unknown command {command!r} (choose from {', '.join(COMMANDS)})")
    return COMMANDS[command][1](rest)


if __name__ == "__main__":
    sys.exit(main())
