"""`make mutants`: seeded sandbox defects (bench/mutants.toml), applied one at a time, and which scenarios caught each.

For every mutant: the repository (tracked and new files) is copied to a temporary folder, the mutant's one
edit is applied there, its proof (a sandbox API test) must fail, showing the defect is observable, and
then the BDD scenarios run against the mutated sandbox. Every scenario that failed is run again, with the
mutant and without: it caught the mutant only if it fails again with it and passes without (one that passes
on the retry is flaky, one that fails without the mutant too is broken; both are named apart). A mutant is caught ("killed") when at least one scenario caught it. The report,
reports/mutants/ (report.json, report.md), names the scenarios that caught each mutant and the figure:
caught / observable.

    python -m bench.mutants [--scope all|listed] [--only NAME ...] [--jobs N] [--committed]

--scope all (the default) runs every tests/test_*.py; listed runs only each mutant's `scenarios`, quicker
but a lower bound of what the suite catches. Not part of `make test`: it runs the suite once per mutant.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "bench" / "mutants.toml"
REPORT_DIR = ROOT / "reports" / "mutants"


@dataclass
class Mutant:
    name: str
    defect: str
    file: str
    old: str
    new: str
    proof: list[str]
    scenarios: list[str]


@dataclass
class Outcome:
    name: str
    defect: str
    status: str = "pending"  # caught | missed | inconclusive | not observable | stale | error
    proof: str = ""
    caught_by: list[str] = field(default_factory=list)
    failing_unmutated_too: list[str] = field(default_factory=list)
    flaky: list[str] = field(default_factory=list)  # failed with the mutant once, passed on the retry with it
    seconds: float = 0.0
    detail: str = ""


def load(path: Path = CATALOGUE) -> list[Mutant]:
    return [Mutant(**entry) for entry in tomllib.loads(path.read_text(encoding="utf-8"))["mutant"]]


def copy_tree(destination: Path, committed: bool = False) -> None:
    """The working tree as it is (tracked and new files, nothing git ignores), or the last commit."""
    destination.mkdir(parents=True, exist_ok=True)
    if committed:
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
        return
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def apply(mutant: Mutant, tree: Path) -> str | None:
    """Applies the mutant's edit in ``tree``; answers why it cannot (the code moved), else None."""
    path = tree / mutant.file
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    found = text.count(mutant.old)
    if found != 1:
        return f"{mutant.file} holds the code to mutate {found} times, not once: update bench/mutants.toml"
    path.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")
    return None


def pytest(tree: Path, tests: list[str], jobs: int, junit: Path | None = None) -> subprocess.CompletedProcess:
    # a loaded machine starts sandboxes slowly: that must not read as a scenario catching (or missing) a mutant
    env = {**os.environ, "DESKCHECK_SANDBOX_START_TIMEOUT_S": os.environ.get("DESKCHECK_SANDBOX_START_TIMEOUT_S", "120")}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-n", str(jobs),
               "--alluredir", str(tree / "reports" / "allure-results"), *tests]
    if junit is not None:
        command.append(f"--junitxml={junit}")
    return subprocess.run(command, cwd=tree, capture_output=True, text=True, env=env)


def failed_tests(junit: Path) -> set[str]:
    """The test ids that failed or errored in a JUnit XML file."""
    if not junit.exists():
        return set()
    failed = set()
    for case in ElementTree.parse(junit).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            module = (case.get("classname") or "").replace(".", "/")
            failed.add(f"{module}.py::{case.get('name')}")
    return failed


def could_not_run(junit: Path) -> list[str]:
    """The first line of each error outside a test's own checks (set-up or tear-down: the environment)."""
    if not junit.exists():
        return ["pytest wrote no results"]
    return [(case.find("error").get("message") or "error").splitlines()[0]
            for case in ElementTree.parse(junit).iter("testcase") if case.find("error") is not None]


def scenarios_for(mutant: Mutant, scope: str) -> list[str]:
    if scope == "listed":
        return mutant.scenarios
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_*.py"))


def run(mutants: list[Mutant], scope: str, jobs: int, committed: bool = False) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="mutants-") as scratch:
        clean = Path(scratch) / "clean"
        copy_tree(clean, committed)
        for mutant in mutants:
            outcomes.append(run_one(mutant, clean, Path(scratch), scope, jobs))
            print(f"{mutant.name}: {outcomes[-1].status}" + (f" by {len(outcomes[-1].caught_by)} scenario(s)"
                                                               if outcomes[-1].caught_by else ""), flush=True)
    return outcomes


def run_one(mutant: Mutant, clean: Path, scratch: Path, scope: str, jobs: int) -> Outcome:
    started = time.monotonic()
    outcome = Outcome(mutant.name, mutant.defect)
    tree = scratch / mutant.name
    shutil.copytree(clean, tree)
    try:
        stale = apply(mutant, tree)
        if stale:
            outcome.status, outcome.detail = "stale", stale
            return outcome
        proof = pytest(tree, mutant.proof, 0)
        outcome.proof = "fails with the mutant (observable)" if proof.returncode == 1 else \
            f"pytest exit code {proof.returncode}"
        if proof.returncode != 1:
            outcome.status = "not observable" if proof.returncode == 0 else "error"
            outcome.detail = proof.stdout[-2000:]
            return outcome
        junit = scratch / f"{mutant.name}.xml"
        pytest(tree, scenarios_for(mutant, scope), jobs, junit)
        failed = failed_tests(junit)
        unmutated_too: set[str] = set()
        if failed:  # again with the mutant, then without: a catch fails every time with it and passes without
            retry = scratch / f"{mutant.name}-retry.xml"
            pytest(tree, sorted(failed), jobs, retry)
            outcome.flaky = sorted(failed - failed_tests(retry))
            failed &= failed_tests(retry)
        if failed:
            again = scratch / f"{mutant.name}-unmutated.xml"
            pytest(clean, sorted(failed), jobs, again)
            unmutated_too = failed_tests(again)
        outcome.caught_by = sorted(failed - unmutated_too)
        outcome.failing_unmutated_too = sorted(unmutated_too)
        broken = could_not_run(junit)
        outcome.status = "caught" if outcome.caught_by else "inconclusive" if broken else "missed"
        if broken and not outcome.caught_by:
            outcome.detail = f"{len(broken)} scenarios could not run: {broken[0]}"
        return outcome
    finally:
        outcome.seconds = round(time.monotonic() - started, 1)
        shutil.rmtree(tree, ignore_errors=True)


def write_report(outcomes: list[Outcome], scope: str) -> str:
    observable = [o for o in outcomes if o.status in ("caught", "missed")]
    caught = [o for o in observable if o.status == "caught"]
    figure = f"{len(caught)}/{len(observable)} observable mutants caught" + \
        (f" ({100 * len(caught) // len(observable)}%)" if observable else "") + f", scope {scope}"
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "report.json").write_text(json.dumps({"figure": figure, "scope": scope,
                                                         "mutants": [asdict(o) for o in outcomes]}, indent=2))
    lines = [f"# Mutants: {figure}", "", "| mutant | defect | status | caught by | failing unmutated too | flaky | seconds |",
             "|---|---|---|---|---|---|---|"]
    for o in outcomes:
        by = "<br>".join(o.caught_by) or (o.detail.splitlines()[0] if o.detail else "-")
        lines.append(f"| {o.name} | {o.defect} | {o.status} | {by} | {'<br>'.join(o.failing_unmutated_too) or '-'} "
                     f"| {'<br>'.join(o.flaky) or '-'} | {o.seconds} |")
    (REPORT_DIR / "report.md").write_text("\n".join(lines) + "\n")
    return figure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scope", choices=("all", "listed"), default="all")
    parser.add_argument("--only", nargs="*", default=None, help="mutant names to run (default: all)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--committed", action="store_true", help="mutate the last commit, not the working tree")
    args = parser.parse_args(argv)
    mutants = load()
    unknown = set(args.only or ()) - {m.name for m in mutants}
    if unknown:
        parser.error(f"no mutant {', '.join(sorted(unknown))} in {CATALOGUE.relative_to(ROOT)}")
    chosen = [m for m in mutants if args.only is None or m.name in args.only]
    outcomes = run(chosen, args.scope, args.jobs, args.committed)
    figure = write_report(outcomes, args.scope)
    print(f"{figure}; report: {(REPORT_DIR / 'report.md').relative_to(ROOT)}")
    return 0 if all(o.status == "caught" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
