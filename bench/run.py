"""`make bench`: measures deskcheck and its sandbox, prints a table, writes bench/results.json.

Figures: framework overhead (deskcheck vs plain Playwright on three journeys), suite throughput
at 1 and 2 workers, screen-pop latency, sandbox capacity, start-up. Each is compared with the
previous results file; a change of more than 20 percent is flagged.

    python -m bench.run [--runs 11] [--only overhead,throughput,latency,capacity,startup]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.common import CHROMIUM_ARGS, RESULTS, ROOT, Sandbox, chromium_path, compare, load_previous, median, \
    percentile, poll, sandbox

FIGURES: dict[str, dict[str, Any]] = {}
DETAILS: dict[str, Any] = {}


def figure(name: str, value: float, unit: str, target: str | None = None, met: bool | None = None) -> None:
    FIGURES[name] = {"value": round(value, 4), "unit": unit, "target": target, "met": met}


# --- pytest runs -------------------------------------------------------------------------------------

def run_pytest(args: list[str], junit: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", *args, f"--junitxml={junit}", "-q",
                           "-p", "no:cacheprovider", "--alluredir", str(junit.parent / "allure-results")],
                          cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"pytest {' '.join(args)} exited {proc.returncode}")
    return wall, proc.returncode


def junit_times(junit: Path) -> list[tuple[str, float, bool]]:
    """(test name, seconds with set-up and teardown, passed) per test case."""
    cases = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        failed = any(child.tag in ("failure", "error") for child in case)
        cases.append((case.get("name", ""), float(case.get("time", 0)), not failed))
    return cases


def scenario_files() -> list[str]:
    """The regression: every tests/test_*.py that binds features."""
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_*.py")
                  if "scenarios(" in p.read_text())


# --- figures -----------------------------------------------------------------------------------------

def framework_overhead(runs: int, work: Path) -> None:
    from playwright.sync_api import sync_playwright

    from bench.plain_journeys import JOURNEYS, time_plain_journeys

    with sandbox() as box, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(p), args=CHROMIUM_ARGS)
        plain = time_plain_journeys(browser, box, runs, work)
        browser.close()
    timed = {}
    # make nightly retries failures, so its passing scenarios record no trace (DESKCHECK_TRACE=auto ->
    # on-first-retry); make test does not retry, so every scenario records one (retain-on-failure)
    for trace in ("on-first-retry", "retain-on-failure"):
        junit = work / f"bench-journeys-{trace}.xml"
        run_pytest(["bench/test_bench_journeys.py", "-p", "no:xdist"], junit, env={"DESKCHECK_TRACE": trace})
        timed[trace] = junit_times(junit)
    for name in JOURNEYS:
        ours, traced = (journey_times(timed[trace], name, runs) for trace in ("on-first-retry", "retain-on-failure"))
        ratio = median(ours) / median(plain[name])
        DETAILS.setdefault("overhead", {})[name] = {"deskcheck_s": ours, "plain_s": plain[name],
                                                    "deskcheck_with_trace_s": traced}
        figure(f"{name}: deskcheck median (nightly: traced on retry only)", median(ours), "s")
        figure(f"{name}: plain Playwright median", median(plain[name]), "s")
        figure(f"{name}: ratio", ratio, "x", "<= 1.15x", ratio <= 1.15)
        figure(f"{name}: ratio with a trace of every run (make test: retain-on-failure)",
               median(traced) / median(plain[name]), "x")


def journey_times(cases: list[tuple[str, float, bool]], name: str, runs: int) -> list[float]:
    """The passed runs of one benchmark journey, in seconds."""
    key = name.lower().replace(",", "").replace(" ", "_").replace("-", "")
    times = [t for case, t, ok in cases if ok and key in case.lower().replace(",", "").replace("-", "")]
    if len(times) < runs:
        raise SystemExit(f"deskcheck journey {name!r}: only {len(times)} of {runs} runs passed: {cases}")
    return times


def suite_throughput(work: Path) -> None:
    files = scenario_files()
    results = {}
    for workers in (1, 2):
        junit = work / f"regression-{workers}.xml"
        args = files + (["-p", "no:xdist"] if workers == 1 else ["-n", "2"])
        wall, _ = run_pytest(args, junit)
        cases = junit_times(junit)
        times = [t for _, t, _ in cases]
        failed = [name for name, _, ok in cases if not ok]
        results[workers] = wall
        DETAILS.setdefault("throughput", {})[workers] = {"wall_s": wall, "failed": failed, "scenarios": len(cases)}
        figure(f"regression at {workers} worker(s): wall time", wall, "s", *(("< 60 s", wall < 60) if workers == 2 else ()))
        figure(f"regression at {workers} worker(s): scenarios per minute", len(cases) / wall * 60, "/min")
        figure(f"regression at {workers} worker(s): median scenario", median(times), "s", "< 1.5 s",
               median(times) < 1.5)
        figure(f"regression at {workers} worker(s): p95 scenario", percentile(times, 95), "s")
        if failed:
            figure(f"regression at {workers} worker(s): failed scenarios", len(failed), "", "0", False)
    speedup = results[1] / results[2]
    figure("parallel speed-up at 2 workers", speedup, "x", ">= 1.6x", speedup >= 1.6)


def screen_pop_latency(samples: int, work: Path) -> None:
    """Offer to popped record loaded, as the nightly measures it (fixtures/report_metrics.py): the call is
    offered while its simulator request is answered; the record is loaded when the last of the console's
    requests for that contact is answered (the browser's Resource Timing, not a polling `expect`)."""
    from playwright.sync_api import expect, sync_playwright

    from bench.plain_journeys import clean_up, log_in_once, make_users, new_customer, open_console, set_available
    from fixtures.report_metrics import is_screen_pop, page_requests, record_loaded

    latencies = []
    with sandbox() as box, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(p), args=CHROMIUM_ARGS)
        make_users(box)
        state = log_in_once(browser, box, "bench-maya", work)
        page = open_console(browser, box, state)
        record = page.get_by_role("region", name="Contact record")
        customers = [new_customer(box) for _ in range(samples)]
        for customer in customers:
            set_available(box, page, "bench-maya")
            offered = time.time() * 1000
            box.cti.post("/api/simulator/calls", json={"from_number": customer["phone"], "queue": "support"})
            expect(record.get_by_role("heading", name=f"{customer['first_name']} {customer['last_name']}")) \
                .to_be_visible(timeout=5000)
            requests = page_requests(page)
            popped = [r for r in requests if is_screen_pop(r) and r.start >= offered]
            loaded = record_loaded(requests, popped[0], customer["id"]) if popped else None
            if loaded is None:
                raise SystemExit(f"screen pop of {customer['phone']}: the console's requests do not show it")
            latencies.append(loaded - offered)
            page.evaluate("performance.clearResourceTimings()")  # the browser keeps 250 entries
            clean_up(box)
        browser.close()
    DETAILS["screen_pop_ms"] = latencies
    figure("screen pop latency p50 (offer to record loaded)", percentile(latencies, 50), "ms")
    figure("screen pop latency p95 (offer to record loaded)", percentile(latencies, 95), "ms", "< 100 ms",
           percentile(latencies, 95) < 100)


def api_round_trip(box: Sandbox, requests: int = 200) -> None:
    """One client, one kept-alive connection, one request after another: what every step's API check pays.
    (A listening socket without Nagle turned off made this ~45 ms instead of ~3 ms.)"""
    box.cti.get("/healthz")  # the connection is open before timing starts
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = box.cti.get("/api/queues")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    DETAILS["api_round_trip_ms"] = times
    figure("sandbox API round trip on a kept-alive connection p50", percentile(times, 50), "ms")
    figure("sandbox API round trip on a kept-alive connection p95", percentile(times, 95), "ms")


def sandbox_capacity() -> None:
    with sandbox() as box:
        api_round_trip(box)
        numbers = [f"+1555{n:07d}" for n in random.sample(range(2000000, 9999999), 50)]

        def place(number: str) -> tuple[int, str | None]:
            response = box.cti.post("/api/simulator/calls", json={"from_number": number, "queue": "support"})
            return response.status_code, (response.json().get("id") if response.status_code < 300 else None)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(place, numbers))
        elapsed = time.perf_counter() - started
        errors = sum(1 for status, _ in answers if status >= 300)
        ids = [iid for _, iid in answers if iid]
        stored = {call["id"]: call["from_number"]
                  for call in box.cti.get("/api/interactions").json()["interactions"] if call["id"] in set(ids)}
        lost = len(set(numbers) - set(stored.values()))
        duplicated = len(ids) - len(set(ids)) + (len(stored) - len(set(stored.values())))
        figure("50 concurrent inbound calls: throughput", len(numbers) / elapsed, "calls/s")
        figure("50 concurrent inbound calls: errors", errors, "", "0", errors == 0)
        figure("50 concurrent inbound calls: lost or duplicated", lost + duplicated, "", "0", lost + duplicated == 0)
        if "marketing" in box.urls:
            form_capacity(box)
        else:
            DETAILS["form_submissions"] = "no marketing system in this sandbox"


def form_capacity(box: Sandbox) -> None:
    from bench.forms import submit_forms

    submitted, elapsed, errors, lost, duplicated = submit_forms(box, 350)
    figure("350 concurrent form submissions: throughput", submitted / elapsed, "forms/s")
    figure("350 concurrent form submissions: errors", errors, "", "0", errors == 0)
    figure("350 concurrent form submissions: lost or duplicated", lost + duplicated, "", "0",
           lost + duplicated == 0)


def start_up(work: Path) -> None:
    """From `make nightly` to the first scenario running, on a warm machine (set-up already done)."""
    mark = work / "first-test"
    first = scenario_files()[0]
    started = time.time()
    proc = subprocess.run(["make", "nightly", f"PYTEST_ARGS=-p bench.first_scenario -x {first}"],
                          cwd=ROOT, env={**os.environ, "DESKCHECK_BENCH_FIRST_TEST_FILE": str(mark)},
                          capture_output=True, text=True)
    if not mark.exists():
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit("start-up: no scenario ran")
    seconds = float(mark.read_text()) - started
    figure("start-up: make nightly to first scenario", seconds, "s", "< 3 s", seconds < 3)


# --- report ------------------------------------------------------------------------------------------

def print_table(previous: dict[str, Any]) -> None:
    rows = [("figure", "value", "target", "met", "vs previous")]
    for name, f in FIGURES.items():
        value = f"{f['value']:.3f} {f['unit']}".strip() if isinstance(f["value"], float) else f"{f['value']} {f['unit']}"
        met = "" if f["met"] is None else ("yes" if f["met"] else "NO")
        rows.append((name, value, f["target"] or "", met, compare(name, f["value"], previous)))
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    for index, row in enumerate(rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11, help="runs per journey for the overhead figure (>= 10)")
    parser.add_argument("--samples", type=int, default=50, help="screen-pop latency samples")
    parser.add_argument("--only", default="overhead,throughput,latency,capacity,startup")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(","))
    previous = load_previous()
    work = Path(tempfile.mkdtemp(prefix="deskcheck-bench-"))
    steps = [("overhead", lambda: framework_overhead(args.runs, work)), ("throughput", lambda: suite_throughput(work)),
             ("latency", lambda: screen_pop_latency(args.samples, work)), ("capacity", sandbox_capacity),
             ("startup", lambda: start_up(work))]
    partial = wanted != set(parser.get_default("only").split(","))
    failed = []
    for name, measure in steps:
        if name in wanted:
            print(f"measuring {name} ...", flush=True)
            try:
                measure()
            except SystemExit as exc:  # one measurement that cannot run does not lose the others
                print(f"{name}: not measured: {exc}", file=sys.stderr, flush=True)
                failed.append(name)
            write_results(previous, keep_previous=True)  # kept as measured so far, should the run stop
    write_results(previous, keep_previous=partial or bool(failed))
    print()
    print_table(previous)
    print(f"\nwritten {RESULTS.relative_to(ROOT)}" + (f"; not measured: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def write_results(previous: dict[str, Any], keep_previous: bool) -> None:
    """bench/results.json as measured so far; a partial run keeps the figures it did not measure."""
    results = {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                           "load_average": [round(x, 2) for x in os.getloadavg()]},
               "figures": {**previous.get("figures", {}), **FIGURES} if keep_previous else FIGURES, "details": DETAILS}
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
