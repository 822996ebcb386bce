"""The CTI softphone: a cross-origin iframe inside the console, or a page of its own.

The page object owns the frame boundary: steps never see the iframe.
"""
from __future__ import annotations

import re


from playwright.sync_api import FrameLocator, Page, expect

from .channels import ChatPanel, Dialer, IvrJourney
from .live_regions import LiveRegions
from .presence_menu import PresenceMenu
from .shows import shows
from .wrap_up import WrapUpForm


class Softphone:
    def __init__(self, frame: FrameLocator | Page) -> None:
        self.frame = frame
        self.heading = frame.get_by_role("heading", name="Softphone")
        self.state = frame.get_by_role("status", name="Agent state")
        self.presence = PresenceMenu(frame)
        self.incoming = frame.get_by_role("region", name="Incoming call")
        self.active_call = frame.get_by_role("region", name="Active call")
        self.keypad = frame.get_by_role("group", name="Keypad")
        self.wrap_up = WrapUpForm(frame)
        self.ivr = IvrJourney(frame)
        self.chat = ChatPanel(frame)
        self.dialer = Dialer(frame)
        self.live_regions = LiveRegions(frame)

    def wait_until_ready(self) -> None:
        expect(self.heading).to_be_visible()
        expect(self.state).not_to_be_empty()

    # -- questions -------------------------------------------------------------------------
    def expect_state(self, text: str) -> None:
        expect(self.state).to_have_text(text)

    def expect_next_state(self, text: str) -> None:
        """The queued state, e.g. "Lunch" matches "Next: Not ready (Lunch)"."""
        expect(self.frame.get_by_text(re.compile(rf"^Next: .*\b{re.escape(text)}\b"))).to_be_visible()

    @shows(interaction="offered")
    def expect_ringing(self, number: str, queue: str | None = None) -> None:
        expect(self.incoming).to_be_visible()
        expect(self.incoming).to_contain_text(number)
        if queue:
            expect(self.incoming.get_by_text(f"Queue: {queue}")).to_be_visible()

    def expect_offer_from(self, kind: str, agent_name: str, note: str | None = None) -> None:
        """kind is "Transfer" or "Consult"."""
        expect(self.incoming.get_by_text(f"{kind} from {agent_name}")).to_be_visible()
        if note:
            expect(self.incoming).to_contain_text(note)

    @shows("interaction state")  # a call no longer ringing: the state its step names (abandoned)
    def expect_not_ringing(self) -> None:
        expect(self.incoming).to_be_hidden()

    @shows(interaction="connected")
    def expect_connected(self, number: str | None = None) -> None:
        expect(self.active_call.get_by_text("Connected", exact=True)).to_be_visible()
        if number:
            expect(self.active_call).to_contain_text(number)

    @shows(interaction="held")
    def expect_on_hold(self) -> None:
        expect(self.active_call.get_by_text("On hold", exact=True)).to_be_visible()
        expect(self.active_call.get_by_role("button", name="Resume")).to_be_visible()

    def expect_muted(self, muted: bool) -> None:
        expect(self.active_call.get_by_role("button", name="Unmute" if muted else "Mute")).to_be_visible()

    def expect_digits_sent(self, digits: str) -> None:
        expect(self.active_call.get_by_text(f"Sent: {digits}")).to_be_visible()

    @shows("interaction state")  # no call left: the state its step names (completed, missed)
    def expect_no_active_call(self) -> None:
        expect(self.active_call).to_be_hidden()

    def expect_action_failed(self) -> None:
        expect(self.frame.get_by_role("alert")).to_contain_text("Action failed")

    def expect_no_action_failed(self) -> None:
        expect(self.frame.get_by_role("alert")).to_be_hidden()

    def expect_customer_hung_up(self) -> None:
        expect(self.frame.get_by_text("Customer hung up")).to_be_visible()

    # -- intents ---------------------------------------------------------------------------
    def answer(self) -> None:
        self.incoming.get_by_role("button", name="Answer").click()
        expect(self.active_call).to_be_visible()

    def reject(self) -> None:
        self.incoming.get_by_role("button", name="Reject").click()
        expect(self.incoming).to_be_hidden()

    def put_on_hold(self) -> None:
        self.try_to_hold()
        self.expect_on_hold()

    def try_to_hold(self) -> None:
        """Clicks Hold without expecting it to work (the network may be failing)."""
        self.active_call.get_by_role("button", name="Hold").click()

    def resume(self) -> None:
        self.active_call.get_by_role("button", name="Resume").click()
        expect(self.active_call.get_by_role("button", name="Hold")).to_be_visible()

    def mute(self) -> None:
        self.active_call.get_by_role("button", name="Mute", exact=True).click()
        self.expect_muted(True)

    def unmute(self) -> None:
        self.active_call.get_by_role("button", name="Unmute").click()
        self.expect_muted(False)

    def press_keys(self, digits: str) -> None:
        if not self.keypad.is_visible():
            self.active_call.get_by_role("button", name="Keypad").click()
        sent = ""
        for digit in digits:
            self.keypad.get_by_role("button", name=digit, exact=True).click()
            sent += digit
            self.expect_digits_sent(sent)  # each press lands before the next one

    def transfer(self, kind: str, target: str, note: str = "") -> None:
        """kind: "cold" or "warm"; target as the menu shows it, e.g. "Queue: sales" or "Agent: Leo Park"."""
        self.active_call.get_by_role("button", name="Transfer", exact=True).click()
        self.frame.get_by_role("radio", name=f"{kind.capitalize()} transfer").check()
        self.frame.get_by_label("Transfer to").select_option(label=target)
        if note:
            self.frame.get_by_label("Transfer note").fill(note)
        button = "Transfer" if kind == "cold" else "Consult"
        self.frame.get_by_role("button", name=button, exact=True).last.click()

    def complete_transfer(self) -> None:
        self.frame.get_by_role("button", name="Complete transfer").click()
        expect(self.active_call).to_be_hidden()

    def cancel_consult(self) -> None:
        self.frame.get_by_role("button", name="Cancel consult").click()
        expect(self.frame.get_by_role("button", name="Complete transfer")).to_be_hidden()

    def expect_consulting(self) -> None:
        expect(self.frame.get_by_role("button", name="Complete transfer")).to_be_enabled()

    def hang_up(self) -> None:
        self.active_call.get_by_role("button", name="Hang up").click()
        expect(self.wrap_up.form).to_be_visible()

    def plant_unnamed_button(self) -> None:
        """Puts a button with no name into the softphone: the accessibility scans' proof that they see inside the frame."""
        self.heading.evaluate("h => h.insertAdjacentHTML('afterend', '<button type=button data-planted=yes></button>')")


__all__ = ["Softphone"]
