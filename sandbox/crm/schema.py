"""The crm database: users, contacts and their 360 data, call activities, screen pops, presence."""

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    queues TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS console_sessions (
    token TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT,
    account_number TEXT UNIQUE,
    date_of_birth TEXT,
    tax_id TEXT,
    do_not_call INTEGER NOT NULL DEFAULT 0,
    email_opt_out INTEGER NOT NULL DEFAULT 0,
    custom_fields TEXT,
    deleted_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS contacts_phone ON contacts(phone);
CREATE TABLE IF NOT EXISTS contact_keys (
    key TEXT PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id)
);
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    number TEXT NOT NULL UNIQUE,
    total REAL NOT NULL,
    status TEXT NOT NULL,
    placed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS billing (
    contact_id INTEGER PRIMARY KEY REFERENCES contacts(id),
    status TEXT NOT NULL,
    balance REAL NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    interaction_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL DEFAULT 'call',
    direction TEXT NOT NULL DEFAULT 'inbound',
    status TEXT NOT NULL,
    from_number TEXT,
    queue TEXT,
    contact_id INTEGER REFERENCES contacts(id),
    contact_chosen_by TEXT,
    agent TEXT,
    disposition TEXT,
    notes TEXT,
    wrapup_seconds REAL,
    hold_seconds REAL,
    muted_seconds REAL,
    dtmf TEXT,
    transfers TEXT,
    transfer_note TEXT,
    transferred_by TEXT,
    correlation_id TEXT,
    subject TEXT,
    source TEXT,
    occurred_at TEXT,
    attributes TEXT,
    log_writes INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    completed_at TEXT
);
CREATE INDEX IF NOT EXISTS activities_contact ON activities(contact_id);
CREATE TABLE IF NOT EXISTS screenpops (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    interaction_id TEXT NOT NULL,
    agent TEXT NOT NULL,
    phone TEXT,
    normalized_phone TEXT,
    account_number TEXT,
    queue TEXT,
    direction TEXT,
    match TEXT NOT NULL,
    matched_by TEXT NOT NULL,
    contact_ids TEXT NOT NULL,
    transfer_note TEXT,
    transferred_by TEXT,
    correlation_id TEXT,
    performed_at TEXT NOT NULL,
    UNIQUE (interaction_id, agent)
);
CREATE TABLE IF NOT EXISTS dispositions (
    queue TEXT NOT NULL,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    system INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    PRIMARY KEY (queue, code)
);
CREATE TABLE IF NOT EXISTS followups (
    id TEXT PRIMARY KEY,
    contact_id INTEGER REFERENCES contacts(id),
    phone TEXT,
    doc TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS presence (
    username TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    reason TEXT,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""
