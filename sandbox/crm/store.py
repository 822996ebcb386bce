"""crm domain logic over its SQLite database: contacts and 360 data, activities, screen pops, presence.

Routes validate input and pick the principal; this module owns the rules (screen-pop matching,
activity upsert with log_writes, presence sync) and emits the events.

One object, its behaviour split by concern: users.py (users, console sessions, presence),
contacts.py (contacts and their 360 view), activities.py (call logs, follow-ups, dispositions),
screenpops.py (the screen-pop rule); errors.py holds the refusals. This module keeps the core.
"""
from __future__ import annotations

from ..platform.system import System
from .activities import ActivitiesMixin
from .contacts import ContactsMixin, full_name
from .errors import Conflict, Forbidden, Invalid, NotFound
from .screenpops import ScreenPopsMixin
from .users import UsersMixin, check_password, hash_password

# what other modules import from here
__all__ = ["Conflict", "Crm", "DEFAULT_QUEUES", "Forbidden", "Invalid", "NotFound", "check_password", "full_name",
           "hash_password"]

DEFAULT_QUEUES = ["support", "sales", "billing"]


class Crm(UsersMixin, ContactsMixin, ActivitiesMixin, ScreenPopsMixin):
    """The crm domain: one object, its behaviour split by concern into the mixins it is made of."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.db, self.events, self.clock = system.db, system.events, system.clock
