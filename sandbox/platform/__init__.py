"""Pieces every sandbox system shares: clock, database, events, auth, faults, test API."""
