"""Deterministic demo data: synthetic, obviously fake people (555 numbers, example.com, 900-xx tax ids).

Idempotent: fixed ids and INSERT OR IGNORE, so seeding twice changes nothing.
"""
from __future__ import annotations

from ..platform.db import Database, dumps
from .store import DEFAULT_QUEUES, hash_password

SEED_TIME = "2026-11-01T09:00:00.000+00:00"

DEMO_USERS = (
    # username, password, name, role
    ("maya", "maya-pass", "Maya Patel", "agent"),
    ("leo", "leo-pass", "Leo Park", "agent"),
    ("tia", "tia-pass", "Tia Novak", "trainee"),
    ("sam", "sam-pass", "Sam Rivera", "supervisor"),
)

DISPOSITIONS = (
    ("support", "RESOLVED", "Resolved"), ("support", "FOLLOW_UP", "Follow-up needed"),
    ("support", "ESCALATED", "Escalated"),
    ("sales", "SALE", "Sale made"), ("sales", "NO_SALE", "No sale"), ("sales", "CALLBACK", "Callback requested"),
    ("billing", "PAYMENT_TAKEN", "Payment taken"), ("billing", "PLAN_AGREED", "Payment plan agreed"),
    ("billing", "DISPUTE", "Billing dispute"),
)
SYSTEM_DISPOSITION = ("WRAPUP_TIMEOUT", "Wrap-up timed out")

# id, first, last, phone, email, account, date of birth, tax id, do_not_call, email_opt_out
CONTACTS = (
    (1, "Alex", "Morgan", "+15551230001", "alex.morgan@example.com", "40010001", "1979-02-03", "900-00-0001", 0, 0),
    # two people sharing one household number: a "multiple" screen pop
    (2, "Dana", "Whitfield", "+15551230002", "dana.whitfield@example.com", "40010002", "1985-04-12", "900-00-0002", 0, 0),
    (3, "Dan", "Whitfield", "+15551230002", "dan.whitfield@example.com", "40010003", "1983-09-30", "900-00-0003", 0, 0),
    (4, "Priya", "Raman", "+15551230003", "priya.raman@example.com", "40010004", "1991-12-01", "900-00-0004", 0, 0),
    (5, "Marcus", "Bell", "+15551230004", "marcus.bell@example.com", "40010005", "1970-07-19", "900-00-0005", 1, 0),
    (6, "Zoë", "Brontë-Łukasik", "+15551230005", "zoe.bronte@example.com", "40010006", "1995-05-05", "900-00-0006", 0, 1),
    (7, "Siobhán", "O'Connor", "+15551230006", "siobhan.oconnor@example.com", "40010007", "1988-03-17", "900-00-0007", 0, 0),
    (8, "花子", "山田", "+15551230007", "hanako.yamada@example.com", "40010008", "1990-08-08", "900-00-0008", 0, 0),
    (9, "Дмитрий", "Орлов", "+15551230008", "dmitry.orlov@example.com", "40010009", "1982-11-11", "900-00-0009", 0, 0),
    (10, "Oliver", "Hughes", "+442079460123", "oliver.hughes@example.com", None, None, None, 0, 0),
    (11, "Jordan", "Lee", "+15551230010", None, None, None, None, 0, 0),
)

CASES = (
    (1, 2, "Router keeps dropping the connection", "open"),
    (2, 2, "Refund for duplicate charge", "pending"),
    (3, 2, "Change of address", "closed"),
    (4, 1, "Upgrade to fibre plan", "open"),
    (5, 4, "Payment not showing on account", "open"),
    (6, 7, "Replacement remote control", "open"),
)

ORDERS = (
    (1, 2, "ORD-10021", 89.99, "delivered", "2026-09-14T10:12:00.000+00:00"),
    (2, 2, "ORD-10044", 24.50, "shipped", "2026-10-28T16:40:00.000+00:00"),
    (3, 1, "ORD-10007", 349.00, "delivered", "2026-06-02T08:05:00.000+00:00"),
    (4, 1, "ORD-10031", 19.99, "returned", "2026-10-03T12:30:00.000+00:00"),
    (5, 1, "ORD-10052", 129.00, "placed", "2026-10-30T19:15:00.000+00:00"),
    (6, 4, "ORD-10039", 249.99, "placed", "2026-10-20T11:00:00.000+00:00"),
    (7, 8, "ORD-10047", 64.00, "delivered", "2026-10-22T02:45:00.000+00:00"),
)

BILLING = (
    (1, "current", 0.0), (2, "current", 0.0), (3, "overdue", 120.5), (4, "pending_payment", 249.99),
    (5, "overdue", 310.0), (6, "current", 0.0), (7, "current", 12.0), (8, "current", 0.0), (9, "current", 0.0),
)

# a past call so a record's timeline is not empty on a fresh sandbox
PAST_ACTIVITIES = (
    ("seed-call-0001", "inbound", "completed", "+15551230002", "support", 2, "maya", "RESOLVED",
     "Rebooted the router remotely; connection stable.", 42.0, "2026-10-30T14:02:00.000+00:00"),
)


def seed(db: Database) -> None:
    with db.transaction():
        for username, password, name, role in DEMO_USERS:
            db.execute("INSERT OR IGNORE INTO users (username, password_hash, name, role, queues, created_at)"
                       " VALUES (?,?,?,?,?,?)", (username, hash_password(password), name, role, dumps(DEFAULT_QUEUES), SEED_TIME))
            db.execute("INSERT OR IGNORE INTO presence (username, status, reason, source, updated_at)"
                       " VALUES (?, 'Offline', NULL, 'crm', ?)", (username, SEED_TIME))
        for position, (queue, code, label) in enumerate(DISPOSITIONS):
            db.execute("INSERT OR IGNORE INTO dispositions (queue, code, label, system, position) VALUES (?,?,?,0,?)",
                       (queue, code, label, position))
        for queue in sorted({q for q, _, _ in DISPOSITIONS}):
            db.execute("INSERT OR IGNORE INTO dispositions (queue, code, label, system, position) VALUES (?,?,?,1,99)",
                       (queue, *SYSTEM_DISPOSITION))
        for row in CONTACTS:
            db.execute("INSERT OR IGNORE INTO contacts (id, first_name, last_name, phone, email, account_number,"
                       " date_of_birth, tax_id, do_not_call, email_opt_out, created_at, updated_at)"
                       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", (*row, SEED_TIME, SEED_TIME))
        for row in CASES:
            db.execute("INSERT OR IGNORE INTO cases (id, contact_id, subject, status, created_at) VALUES (?,?,?,?,?)",
                       (*row, SEED_TIME))
        for row in ORDERS:
            db.execute("INSERT OR IGNORE INTO orders (id, contact_id, number, total, status, placed_at)"
                       " VALUES (?,?,?,?,?,?)", row)
        for row in BILLING:
            db.execute("INSERT OR IGNORE INTO billing (contact_id, status, balance, updated_at) VALUES (?,?,?,?)",
                       (*row, SEED_TIME))
        for (interaction_id, direction, status, number, queue, contact_id, agent, disposition, notes, wrapup,
             at) in PAST_ACTIVITIES:
            db.execute("INSERT OR IGNORE INTO activities (interaction_id, direction, status, from_number, queue,"
                       " contact_id, contact_chosen_by, agent, disposition, notes, wrapup_seconds, hold_seconds,"
                       " log_writes, created_at, updated_at, completed_at)"
                       " VALUES (?,?,?,?,?,?,'screenpop',?,?,?,?,0,1,?,?,?)",
                       (interaction_id, direction, status, number, queue, contact_id, agent, disposition, notes,
                        wrapup, at, at, at))
