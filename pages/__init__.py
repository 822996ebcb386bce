"""Playwright page objects for the agent desktop: one class per screen or embedded widget.

Pages name intents (`answer()`, `choose_disposition(code)`) and questions (`agent_state()`);
they locate by role, label or text and wait with web-first `expect`. They never call a backend.
"""
from .console import Console, LoginPage
from .contact_record import ContactRecord
from .presence_menu import PresenceMenu
from .screen_pop import ScreenPopPanel
from .softphone import Softphone
from .supervisor_board import SupervisorBoard
from .wrap_up import WrapUpForm

__all__ = ["Console", "ContactRecord", "LoginPage", "PresenceMenu", "ScreenPopPanel", "Softphone",
           "SupervisorBoard", "WrapUpForm"]
