@tickets @nightly
Feature: The first-reply SLA on the screen and in the helpdesk
  A high priority ticket must get a first reply within an hour of business time. The ticket view and
  the helpdesk agree on the clock while it runs, warns and breaches.

  Background:
    Given the agent "Maya" is logged in and Available

  @severity:critical @req:TKT-10
  Scenario: Nobody answers a high priority ticket: it warns at 45 minutes and breaches at the hour
    Given it is Monday 09:00
    And a customer "Greta Lind" with a high priority phone ticket "Line is dead"
    When Maya opens the ticket from Greta's record in the console
    Then the ticket view and the helpdesk show the ticket with:
      | field       | value             |
      | Status      | New               |
      | Priority    | High              |
      | Channel     | Phone             |
      | First reply | due in 1 h 00 min |
      | Resolution  | due in 8 h 00 min |
    When 45 minutes pass
    Then the helpdesk warned that the first reply SLA of the ticket is close
    When 15 minutes pass
    Then the helpdesk breached the first reply SLA and escalated the ticket to "Escalations" with priority "urgent"
    And the ticket view and the helpdesk show the ticket with:
      | field       | value       |
      | First reply | breached    |
      | Group       | Escalations |
      | Priority    | Urgent      |
