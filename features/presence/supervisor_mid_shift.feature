@presence @nightly
Feature: The supervisor joins mid-shift
  A supervisor who opens the board in the middle of a shift sees every agent's state as it is, and
  every change after that.

  @severity:normal @req:PRS-20
  Scenario: Sam opens the board and sees Maya go to lunch
    Given the agent "Maya" is logged in and Available
    When the supervisor "Sam" opens the supervisor board
    Then the supervisor board shows Maya as "Available"
    When Maya chooses "Lunch" in the softphone presence menu
    Then the supervisor board shows Maya as "Not ready (Lunch)"
    And the CRM shows Maya as "Busy"
