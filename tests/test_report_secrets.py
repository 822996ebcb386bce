"""Secrets never reach the report: a real run's whole allure-results directory (results, every
attachment, and the files inside Playwright traces) is scanned for tokens, passwords and cookies.

The run is one deliberately failing scenario in a subprocess (its own sandbox and results dir; the
`deliberately_failing_run` fixture), so every kind of evidence is there: API exchanges,
screenshots, traces, console, network, events.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Iterator

SECRET_PATTERNS = {
    "bearer token": re.compile(r"(?i)\bbearer\s+(?!\*\*\*)[A-Za-z0-9._~+/=-]{8,}"),
    "token or password field": re.compile(
        r'(?i)"(access_token|refresh_token|id_token|password|client_secret|secret)"\s*:\s*"(?!\*\*\*)[^"]+"'),
    "form secret": re.compile(r"(?i)\b(password|client_secret|refresh_token)=(?!\*\*\*|&|$)[^&\s\"]+"),
    "session cookie": re.compile(r"\b(crm_session|cti_session)=(?!\*\*\*)[A-Za-z0-9._~+/=-]{8,}"),
    "cookie header": re.compile(r'(?i)"name"\s*:\s*"(cookie|set-cookie|authorization)"\s*,\s*"value"\s*:\s*"(?!\*\*\*)[^"]+'),
}


def texts(results: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every file, and for every member of every zip (Playwright traces)."""
    for path in sorted(results.rglob("*")):
        if not path.is_file():
            continue
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{path.name}!{member}", archive.read(member).decode("utf-8", errors="replace")
        else:
            yield path.name, path.read_bytes().decode("utf-8", errors="replace")


def find_secrets(results: Path, known: list[str]) -> list[str]:
    found = []
    for where, text in texts(results):
        for secret in known:
            if secret in text:
                found.append(f"{where}: a known secret ({secret[:3]}...)")
        for name, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                found.append(f"{where}: {name}: {match.group(0)[:60]}")
    return found


def test_a_real_run_leaves_no_secret_in_the_allure_results(deliberately_failing_run, settings):
    results = deliberately_failing_run.results
    files = list(results.iterdir())
    assert any(p.suffix == ".zip" for p in files) and len(files) > 5, [p.name for p in files]
    known = [settings.client_secret, *deliberately_failing_run.passwords]
    found = find_secrets(results, known)
    assert not found, f"{len(found)} secrets in the report:\n" + "\n".join(found[:40])


def test_the_scanner_finds_what_it_looks_for(tmp_path):
    (tmp_path / "a-attachment.txt").write_text('Authorization: Bearer abcdefgh12345\n{"password": "hunter22"}')
    with zipfile.ZipFile(tmp_path / "trace.zip", "w") as archive:
        archive.writestr("trace.network", '{"name": "Cookie", "value": "crm_session=abcdefghijkl"}')
    (tmp_path / "b-attachment.txt").write_text('Authorization: Bearer ***\n{"password": "***"} crm_session=***')
    found = find_secrets(tmp_path, ["topsecretvalue"])
    assert len([f for f in found if f.startswith("a-attachment")]) == 2, found
    assert any(f.startswith("trace.zip!trace.network") for f in found), found
    assert not [f for f in found if f.startswith("b-attachment")], found
