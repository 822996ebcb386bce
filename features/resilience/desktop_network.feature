@resilience @nightly
Feature: The desktop copes with a flaky network
  Faults injected in the agent's own browser, with no help from the servers: requests that fail,
  never arrive, come back garbled or take long. This works against any team's desktop.

  Background:
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case

  @severity:critical @req:RES-8
  Scenario Outline: Screen pop requests that <failure> can be retried once the network recovers
    Given the screen pop requests from Maya's console <failure>
    When Dana calls the support line
    Then Maya's softphone rings with Dana's number
    And Maya's console says the screen pop failed and offers a retry
    And the CRM has no screen pop of the call yet
    When Maya's network recovers
    And Maya retries the screen pop
    Then the console shows Dana's contact record with 1 open case
    And the CRM recorded one screen pop of the call for Maya

    Examples:
      | failure                  |
      | fail with a server error |
      | cannot reach the server  |
      | come back garbled        |

  @severity:normal @req:RES-9
  Scenario: A screen pop that hangs does not stop the agent answering
    Given the screen pop requests from Maya's console hang
    When Dana calls the support line
    And Maya answers the call
    Then Maya's softphone shows the call with Dana connected
    When the held screen pop answers arrive
    Then the console shows Dana's contact record with 1 open case
    And the CRM recorded one screen pop of the call for Maya

  @severity:critical @req:RES-10
  Scenario: A call control that fails leaves the call as it was
    Given Maya is on a call with Dana
    And the call control requests from Maya's softphone fail with a server error
    When Maya tries to put the call on hold
    Then Maya's softphone says the action failed
    And the CTI has Dana's call connected to Maya, who is on the call
    When Maya's network recovers
    And Maya puts the call on hold
    Then Maya's softphone shows the call on hold
    And the CTI has the call held
