"""pytest plugin for the start-up figure: writes when the first test starts running."""
import os
import time
from pathlib import Path


def pytest_runtest_call(item):
    mark = os.environ.get("DESKCHECK_BENCH_FIRST_TEST_FILE")
    if mark and not Path(mark).exists():
        Path(mark).write_text(str(time.time()))
