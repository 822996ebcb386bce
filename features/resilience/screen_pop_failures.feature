@resilience @nightly
Feature: Screen pop survives a failing CRM
  When the CRM cannot answer a screen pop the agent must be told, must be able to try again,
  and the call itself must not wait for the CRM.

  Background:
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case

  @severity:critical @req:RES-1
  Scenario Outline: The CRM answers screen pops with <failure>: the console says so and the retry works
    Given the CRM answers screen pops with <failure>
    When Dana calls the support line
    Then Maya's softphone rings with Dana's number
    And Maya's console says the screen pop failed and offers a retry
    And the CRM has no screen pop of the call yet
    When the CRM recovers
    And Maya retries the screen pop
    Then the console shows Dana's contact record with 1 open case
    And the CRM recorded one screen pop of the call for Maya

    Examples:
      | failure       |
      | errors        |
      | an empty body |

  @severity:normal @req:RES-2
  Scenario: A slow CRM still pops the caller's record and the agent can answer meanwhile
    Given the CRM is slow to answer screen pops by 2 seconds
    When Dana calls the support line
    And Maya answers the call
    Then Maya's softphone shows the call with Dana connected
    And the console shows Dana's contact record with 1 open case
    And the CRM recorded one screen pop of the call for Maya
