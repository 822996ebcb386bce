"""The supervisor board: every agent's state and current interaction, live."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from .shows import shows


class SupervisorBoard:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.table = page.get_by_role("table", name="Agents")

    def open_from_console(self) -> "SupervisorBoard":
        self.page.get_by_role("link", name="Supervisor board").click()
        expect(self.table).to_be_visible()
        return self

    def row(self, agent_name: str):
        return self.table.get_by_role("row").filter(has=self.page.get_by_role("cell", name=agent_name, exact=True))

    def expect_agent_state(self, agent_name: str, state: str) -> None:
        expect(self.row(agent_name).get_by_role("cell").nth(1)).to_have_text(state)

    @shows("interaction state")  # "-" once the call is over: the state its step names
    def expect_agent_interaction(self, agent_name: str, text: str) -> None:
        expect(self.row(agent_name).get_by_role("cell").nth(2)).to_contain_text(text)
