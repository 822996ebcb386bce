@resilience @nightly
Feature: A long shift outlives its access tokens
  Access tokens expire on the clock. The desktop and the API clients must renew them without
  dropping the call in progress.

  Background:
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case

  @severity:critical @req:RES-5
  Scenario: Access tokens expire in the middle of a call
    Given Maya is on a call with Dana
    When the access tokens expire during the call
    Then Maya's softphone shows the call with Dana connected
    And the CTI has Dana's call connected to Maya, who is on the call
    And the expired tokens are refused and the API clients renewed theirs
    When Maya hangs up
    And Maya completes the wrap-up with "RESOLVED"
    Then the call log in the CRM and the CTI has the disposition "RESOLVED"
