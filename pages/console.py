"""The CRM agent console: login, header, search, and the widgets it hosts."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .contact_record import ContactRecord
from .screen_pop import ScreenPopPanel
from .shows import shows
from .softphone import Softphone


class LoginPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.username = page.get_by_label("Username")
        self.password = page.get_by_label("Password")
        self.sign_in_button = page.get_by_role("button", name="Sign in")

    def open(self, crm_url: str) -> "LoginPage":
        self.page.goto(f"{crm_url}/login")
        return self

    def sign_in(self, username: str, password: str) -> None:
        self.username.fill(username)
        self.password.fill(password)
        self.sign_in_button.click()
        expect(self.page).to_have_url(re.compile(r"/console"))


class Console:
    """The console page. Its softphone is a cross-origin iframe owned by `Softphone`."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.crm_presence_select = page.get_by_label("CRM presence")
        self.sign_out_button = page.get_by_role("button", name="Sign out")
        self.search_box = page.get_by_role("searchbox", name="Search contacts")
        self.search_results = page.get_by_role("list", name="Search results")
        self.screen_pop = ScreenPopPanel(page)
        self.contact_record = ContactRecord(page)
        self.softphone = Softphone(page.frame_locator('iframe[title="Softphone"]'))

    def open(self, crm_url: str) -> "Console":
        self.page.goto(f"{crm_url}/console")
        return self.ready()

    def ready(self) -> "Console":
        """Waits until the console and its embedded softphone are up."""
        expect(self.page.get_by_text("Signed in as")).to_be_visible()
        self.softphone.wait_until_ready()
        return self

    def is_signed_in(self) -> bool:
        return "/login" not in self.page.url

    def reload(self) -> None:
        self.page.reload()
        self.ready()

    def set_crm_presence(self, status: str) -> None:
        self.crm_presence_select.select_option(label=status)

    @shows("agent state")  # Online / Busy / Offline: the state its step names
    def expect_crm_presence(self, status: str) -> None:
        expect(self.crm_presence_select.locator("option:checked")).to_have_text(status)

    def search(self, text: str) -> None:
        self.search_box.fill(text)
        self.page.get_by_role("button", name="Search").click()

    def open_search_result(self, name: str) -> None:
        self.search_results.get_by_role("link", name=name).click()

    def open_contact(self, full_name: str, search_for: str | None = None) -> ContactRecord:
        """Finds a contact (by name, or by what is given, e.g. a number when names repeat) and opens the record."""
        self.search(search_for or full_name)
        self.open_search_result(full_name)
        self.contact_record.expect_contact(full_name)
        return self.contact_record

    def sign_out(self) -> None:
        self.sign_out_button.click()
        expect(self.page.get_by_role("button", name="Sign in")).to_be_visible()

    @shows("call log")
    def expect_call_logged(self, disposition: str) -> None:
        expect(self.page.get_by_text(f"Call logged: {disposition}")).to_be_visible()
