"""`make flake-hunt RUNS=N`: runs the whole regression N times and lists every scenario whose
result changed between runs, with the Allure evidence of the failing run.

Every second run has one core kept busy by a CPU hog, as on a loaded CI machine. No retries:
a flaky scenario must show up here, to be fixed at its cause.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from bench.run import scenario_files

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "reports" / "flake-hunt"
# One busy core until killed, or until the hunt itself is gone (its parent changes).
HOG = ("import itertools, os\nparent = os.getppid()\n"
       "for i in itertools.count():\n    if i % 5_000_000 == 0 and os.getppid() != parent: break")


def outcomes(junit: Path) -> dict[str, str]:
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        kinds = {child.tag for child in case}
        found[name] = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
    return found


def evidence(results: Path, test_name: str) -> list[str]:
    """Allure result files of the failing run that belong to the test."""
    short = test_name.split("::")[-1].split("[")[0]
    hits = []
    for path in results.glob("*-result.json"):
        data = json.loads(path.read_text())
        if short.removeprefix("test_") in data.get("fullName", "").replace(" ", "_").lower() or \
                data.get("status") in ("failed", "broken") and short in path.read_text():
            hits.append(str(path.relative_to(ROOT)))
    return hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workers", default="2", help="pytest-xdist workers per run")
    parser.add_argument("--hog-every", type=int, default=2, help="every Nth run has a CPU hog (0 = never)")
    args = parser.parse_args(argv)
    shutil.rmtree(OUT, ignore_errors=True)
    history: dict[str, list[str]] = defaultdict(list)
    for run in range(1, args.runs + 1):
        folder = OUT / f"run-{run:02d}"
        folder.mkdir(parents=True)
        hogged = args.hog_every and run % args.hog_every == 0
        hog = subprocess.Popen([sys.executable, "-c", HOG]) if hogged else None
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", *scenario_files(), "-n", args.workers, "-q", "-p", "no:cacheprovider",
                 f"--junitxml={folder / 'junit.xml'}", f"--alluredir={folder / 'allure-results'}"],
                cwd=ROOT, capture_output=True, text=True)
        finally:
            if hog:
                hog.kill()
        results = outcomes(folder / "junit.xml")
        for name, outcome in results.items():
            history[name].append(outcome)
        failed = sum(1 for o in results.values() if o == "failed")
        print(f"run {run:2d}/{args.runs}{' (CPU hog)' if hogged else ''}: {len(results)} scenarios, "
              f"{failed} failed, exit {proc.returncode}", flush=True)
    flaky = {name: seen for name, seen in history.items() if len(set(seen)) > 1}
    always_failing = {name: seen for name, seen in history.items() if set(seen) == {"failed"}}
    print(f"\n{len(history)} scenarios, {args.runs} runs: {len(flaky)} changed result between runs, "
          f"{len(always_failing)} failed every run")
    for name, seen in sorted(flaky.items()):
        print(f"  FLAKY {name}: " + " ".join("." if o == "passed" else "F" if o == "failed" else "s" for o in seen))
        for run, outcome in enumerate(seen, start=1):
            if outcome == "failed":
                for path in evidence(OUT / f"run-{run:02d}" / "allure-results", name)[:1]:
                    print(f"      run {run}: {path}")
    for name in sorted(always_failing):
        print(f"  FAILED EVERY RUN {name}")
    (OUT / "summary.json").write_text(json.dumps({"runs": args.runs, "flaky": flaky,
                                                  "always_failing": sorted(always_failing)}, indent=2))
    return 1 if flaky or always_failing else 0


if __name__ == "__main__":
    sys.exit(main())
