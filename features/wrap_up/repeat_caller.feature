@wrap_up @nightly
Feature: A repeat caller on the billing line
  The billing queue's wrap-up is timeboxed: when the agent does not finish in time, the call is logged
  with the timeout disposition in both systems.

  @severity:normal @req:WU-30
  Scenario: Dana calls billing a second time and Maya's wrap-up runs out
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 0 open cases
    And Maya has finished a call with Dana on the "billing" queue
    When Maya completes the wrap-up with "PAYMENT_TAKEN"
    And Dana calls the billing line for the 2nd time
    Then Maya's softphone rings with Dana's number on the "billing" queue
    When Maya answers the call
    And Maya hangs up
    And 30 seconds pass in wrap-up
    Then the call log in the CRM and the CTI has:
      | field           | value          |
      | disposition     | WRAPUP_TIMEOUT |
      | wrap-up seconds | 30             |
      | queue           | billing        |
      | status          | completed      |
