@tickets @nightly
Feature: Ticket SLAs run on business hours
  Every ticket has a first-reply and a resolution target, counted in business hours (weekdays
  09:00-17:00). Waiting for the customer stops the clock; a breach escalates the ticket.

  Background:
    Given the agent "Maya" is logged in and Available

  @smoke @severity:critical @req:TKT-1
  Scenario: The SLA timer pauses while the ticket waits for the customer and resumes on the reply
    Given it is Monday 09:00
    And a customer "Tomas Berg" with a high priority phone ticket "Router keeps dropping"
    When Maya opens the ticket from Tomas's record in the console
    Then the ticket view shows "First reply: due in 1 h 00 min" and "Resolution: due in 8 h 00 min"
    When Maya writes on the ticket "Please restart the router and tell us if it helps" and sets it to "Pending customer"
    Then the ticket view shows "First reply: met" and "Resolution: paused while pending customer (8 h 00 min left)"
    And the helpdesk has the resolution timer paused with 8 hours left
    When 5 hours pass
    And Tomas replies by email "Still dropping after the restart"
    Then the helpdesk has the ticket open again with the resolution timer running and 8 hours left
    And Tomas's reply shows in the ticket view with "Resolution: due in 8 h 00 min"

  @severity:critical @req:TKT-2
  Scenario: The SLA warns, then breaches and escalates the ticket, counting only business hours
    Given it is Monday 14:00
    And a customer "Tomas Berg" with a high priority phone ticket "Router keeps dropping"
    And Maya has answered the ticket
    When 22 hours pass
    Then the helpdesk warned that the resolution SLA of the ticket is close
    When Maya opens the ticket from Tomas's record in the console
    Then the ticket view shows "Resolution: due in 2 h 00 min (warning)"
    When 2 hours pass
    Then the helpdesk breached the resolution SLA and escalated the ticket to "Escalations" with priority "urgent"
    And the ticket view shows "Resolution: breached" and the escalation to "Escalations"

  @severity:normal @req:TKT-3
  Scenario Outline: The first-reply due time skips the hours the team is closed
    Given it is <opened>
    And a customer "Tomas Berg" with a normal priority phone ticket "Bill looks wrong"
    When Maya opens the ticket from Tomas's record in the console
    Then the ticket view shows "First reply: due in 4 h 00 min"
    And the helpdesk has the first reply due at <due>

    Examples:
      | opened        | due           |
      | Monday 09:00  | Monday 13:00  |
      | Friday 15:00  | Monday 11:00  |
      | Saturday 10:00 | Monday 13:00 |
