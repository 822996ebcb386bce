"""Sandbox capacity: one webinar's registrations posted at once to the marketing system."""
from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from bench.common import Sandbox


def submit_forms(box: Sandbox, count: int) -> tuple[int, float, int, int, int]:
    """Posts `count` distinct registrations at once; answers (submitted, seconds, errors, lost, duplicated)."""
    tag = uuid.uuid4().hex[:8]
    campaign = box.marketing.post("/api/campaigns", json={"name": f"Bench webinar {tag}", "kind": "webinar"}).json()
    emails = [f"bench.{tag}.{i}@example.test" for i in range(count)]
    submissions = [{"submission_id": f"bench-{tag}-{i}", "form": "Bench webinar registration",
                    "campaign": campaign["name"], "email": email, "first_name": "Bench", "last_name": f"Person {i}",
                    "phone": f"+1555{3000000 + i}"}
                   for i, email in enumerate(emails)]

    def post(submission: dict) -> int:
        return box.marketing.post("/api/form-submissions", json=submission).status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(post, submissions))
    elapsed = time.perf_counter() - started
    errors = sum(1 for status in statuses if status >= 300)
    stored: list[str] = []
    for email in emails:
        stored += [c["email"] for c in box.marketing.get("/api/contacts", params={"email": email}).json()["contacts"]]
    lost = len(set(emails) - set(stored))
    duplicated = len(stored) - len(set(stored))
    return count, elapsed, errors, lost, duplicated
