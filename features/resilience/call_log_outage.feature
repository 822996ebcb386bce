@resilience @nightly
Feature: Call logs survive a CRM outage
  The CTI keeps what the agent recorded in wrap-up and writes the call log to the CRM once the
  CRM is back: exactly once, nothing lost.

  Background:
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case

  @severity:critical @req:RES-3
  Scenario: The CRM is down when the wrap-up is saved
    Given Maya is on a call with Dana
    And the CRM stops accepting call logs
    When Maya hangs up
    And Maya completes the wrap-up with "RESOLVED"
    Then Maya's softphone shows the state "Available"
    And the CTI keeps the disposition "RESOLVED" while the CRM's call log waits
    When the CRM recovers
    Then the call log in the CRM and the CTI has the disposition "RESOLVED"
    And the CRM has exactly one call log for the call, written once

  @severity:normal @req:RES-4
  Scenario Outline: The CRM fails the first call log attempts, then takes the log once
    An empty answer is no proof the CRM stored the log: the CTI sends it again until the CRM
    answers with the stored call log.

    Given Maya is on a call with Dana
    And the CRM answers call logs with <failure> <times>
    When Maya hangs up
    And Maya completes the wrap-up with "FOLLOW_UP"
    Then the call log in the CRM and the CTI has the disposition "FOLLOW_UP"
    And the CRM has exactly one call log for the call, written once

    Examples:
      | failure       | times   |
      | errors        | 3 times |
      | an empty body | once    |
