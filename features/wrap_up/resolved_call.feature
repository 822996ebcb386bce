@wrap_up @severity:normal @req:WU-100
Feature: A resolved call is logged in every system
  When an agent resolves a call, the console showed the right customer and the CRM and the CTI keep
  one call log with the same disposition, note and queue.

  Background:
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case

  Scenario: Maya resolves Dana's question on the first call
    When Dana calls the support line
    Then Maya's softphone rings with Dana's number on the "support" queue
    When Maya answers the call
    Then the console shows Dana's contact record with:
      | field          | value   |
      | Open cases     | 1       |
      | Billing status | Current |
    When Maya hangs up
    And Maya chooses the disposition "RESOLVED" and writes the note "Reset the router"
    And Maya completes the wrap-up
    Then the call log in the CRM and the CTI has:
      | field       | value            |
      | disposition | RESOLVED         |
      | note        | Reset the router |
      | queue       | support          |
      | agent       | Maya             |
      | status      | completed        |
    And the CRM has exactly one call log for the call, written once
