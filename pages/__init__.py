"""Playwright page objects for the agent desktop: one class per screen or embedded widget.

Pages name intents (`answer()`, `choose_disposition(code)`) and questions (`agent_state()`);
they locate by role, label or text and wait with web-first `expect`. They never call a backend.
"""
from .channels import ChatPanel, Dialer, IvrJourney
from .chat_widget import ChatWidget
from .console import Console, LoginPage
from .contact_record import ContactRecord
from .presence_menu import PresenceMenu
from .screen_pop import ScreenPopPanel
from .softphone import Softphone
from .softphone_keys import SoftphoneByKeyboard
from .supervisor_board import SupervisorBoard
from .ticket_view import TicketView
from .wrap_up import WrapUpForm

#: the surface each page object is part of, for the coverage map (deskcheck/coverage_map.py)
SURFACES: dict[type, str] = {
    Softphone: "softphone", SoftphoneByKeyboard: "softphone", WrapUpForm: "softphone", PresenceMenu: "softphone",
    IvrJourney: "softphone", ChatPanel: "softphone", Dialer: "softphone",
    LoginPage: "console", Console: "console", ContactRecord: "console", ScreenPopPanel: "console",
    SupervisorBoard: "board", TicketView: "ticket view", ChatWidget: "chat widget",
}

__all__ = ["ChatPanel", "ChatWidget", "Console", "ContactRecord", "Dialer", "IvrJourney", "LoginPage",
           "PresenceMenu", "ScreenPopPanel", "Softphone", "SupervisorBoard", "TicketView", "WrapUpForm"]
