@presence @nightly @issue:16
Feature: Every state reads the same on every surface that shows it
  An intermediate state checked on one surface only hides a broken push to the others. Here the
  agent and the call go through every state, and each is checked on the softphone, the supervisor
  board, the console's CRM presence, the CTI and the CRM.

  @severity:critical @req:PR-9
  Scenario: One call through every state, each on every surface
    Given the agent "Maya" is logged in and Available
    And the supervisor "Sam" is watching the supervisor board
    And a customer "Dana Whitfield" with 0 open cases
    Then Maya is "Available" on every surface
    When Dana calls the support line
    Then Maya is "Ringing" on every surface
    And Dana's call is "offered" on every surface
    When Maya answers the call
    Then Maya is "On call" on every surface
    And Dana's call is "connected" on every surface
    When Maya puts the call on hold
    Then Maya is "On call" on every surface
    And Dana's call is "held" on every surface
    When Maya resumes the call
    And Maya hangs up
    Then Maya is "After call work" on every surface
    And Dana's call is "wrapup" on every surface
    When Maya completes the wrap-up with "RESOLVED"
    Then Maya is "Available" on every surface
    And Dana's call is "completed" on every surface

  @severity:critical @req:PR-10
  Scenario: Missed, not ready with a reason and offline, each on every surface
    Given the agent "Maya" is logged in and Available
    And the supervisor "Sam" is watching the supervisor board
    And a customer "Dana Whitfield" with 0 open cases
    When Dana calls the support line
    And 20 seconds pass without an answer
    Then Maya is "Not ready (Missed)" on every surface
    And Dana's call is "missed" on every surface
    When Maya chooses "Lunch" in the softphone presence menu
    Then Maya is "Not ready (Lunch)" on every surface
    When Maya chooses "Training" in the softphone presence menu
    Then Maya is "Not ready (Training)" on every surface
    When Maya sets her CRM presence to "Busy"
    Then Maya is "Not ready (Busy)" on every surface
    When Maya chooses "Offline" in the softphone presence menu
    Then Maya is "Offline" on every surface

  @severity:normal @req:PR-11
  Scenario: A call the caller abandons while it rings, on every surface
    Given the agent "Maya" is logged in and Available
    And the supervisor "Sam" is watching the supervisor board
    And a customer "Dana Whitfield" with 0 open cases
    When Dana calls the support line
    Then Dana's call is "offered" on every surface
    When Dana hangs up before anyone answers
    Then Maya is "Available" on every surface
    And Dana's call is "abandoned" on every surface
