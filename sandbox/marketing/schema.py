"""The marketing database: contacts, campaigns and members, form submissions, activities, lead-score
triggers, and the connector's sync state, jobs and error log."""

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    crm_id INTEGER UNIQUE,
    email TEXT,
    email_key TEXT,
    first_name TEXT,
    last_name TEXT,
    phone TEXT,
    account_number TEXT,
    industry TEXT,
    lifecycle_stage TEXT,
    lead_score INTEGER,
    unsubscribed INTEGER NOT NULL DEFAULT 0,
    do_not_call INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active',
    origin TEXT NOT NULL,
    field_times TEXT NOT NULL DEFAULT '{}',
    crm_pending TEXT NOT NULL DEFAULT '[]',
    crm_error TEXT,
    correlation_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deactivated_at TEXT
);
CREATE INDEX IF NOT EXISTS contacts_email ON contacts(email_key);
CREATE TABLE IF NOT EXISTS campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS memberships (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    contact_id INTEGER REFERENCES contacts(id),
    waiting_for TEXT,
    status TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    enrolled_at TEXT,
    removed_at TEXT,
    removed_reason TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS memberships_once ON memberships(campaign_id, contact_id);
CREATE TABLE IF NOT EXISTS submissions (
    submission_id TEXT PRIMARY KEY,
    form TEXT NOT NULL,
    payload TEXT NOT NULL,
    contact_id INTEGER NOT NULL,
    campaign_id INTEGER,
    new_contact INTEGER NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    kind TEXT NOT NULL,
    subject TEXT,
    campaign_id INTEGER,
    occurred_at TEXT NOT NULL,
    crm_activity_id TEXT,
    crm_synced_at TEXT,
    correlation_id TEXT
);
CREATE TABLE IF NOT EXISTS score_triggers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    refire_on_recross INTEGER NOT NULL DEFAULT 0,
    stage TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS trigger_state (
    trigger_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    armed INTEGER NOT NULL DEFAULT 1,
    fired_count INTEGER NOT NULL DEFAULT 0,
    last_fired_at TEXT,
    PRIMARY KEY (trigger_id, contact_id)
);
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received INTEGER NOT NULL,
    created INTEGER NOT NULL,
    existing INTEGER NOT NULL,
    errors TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_state (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS sync_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    trigger TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    stats TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    next_retry_at TEXT
);
CREATE TABLE IF NOT EXISTS sync_errors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER,
    direction TEXT NOT NULL,
    record TEXT,
    error TEXT NOT NULL,
    at TEXT NOT NULL
);
"""
