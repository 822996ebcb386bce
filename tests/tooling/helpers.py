"""Runs pytest on a generated copy of a feature and its test module, as a separate run."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "tests" / "evidence"  # tests/evidence/_generated_*/ is git-ignored


@contextmanager
def generated_suite(files: dict[str, str]) -> Iterator[Path]:
    """A throwaway test folder inside the repo (so the root conftest applies), removed afterwards."""
    folder = GENERATED / f"_generated_{os.getpid()}_{abs(hash(tuple(files)))}"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def outside_xdist(environ: dict[str, str]) -> dict[str, str]:
    """The environment without the xdist worker's variables: a child run launched from worker gw1
    is not a worker (else it names its users `maya-gw1` and leaves environment.properties to gw0)."""
    return {k: v for k, v in environ.items() if not k.startswith("PYTEST_XDIST_")}


def run_pytest(args: list[str], env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout,
                          env={**outside_xdist(dict(os.environ)), **(env or {})})


def shown(run: subprocess.CompletedProcess) -> str:
    return f"exit {run.returncode}\n--- stdout\n{run.stdout[-4000:]}\n--- stderr\n{run.stderr[-3000:]}"
