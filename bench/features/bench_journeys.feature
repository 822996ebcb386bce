@nightly
Feature: Benchmark journeys
  The three journeys bench/ times as deskcheck scenarios, against the same journeys written as
  plain Playwright scripts in bench/plain_journeys.py.

  Scenario Outline: Screen pop and answer (run <run>)
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case
    When Dana calls the support line
    Then Maya's softphone rings with Dana's number
    And the console shows Dana's contact record with 1 open case
    When Maya answers the call
    Then Maya's softphone shows the call with Dana connected
    And the CTI has Dana's call connected to Maya, who is on the call

    Examples:
      | run |
      | 1   |
      | 2   |
      | 3   |
      | 4   |
      | 5   |
      | 6   |
      | 7   |
      | 8   |
      | 9   |
      | 10  |
      | 11  |

  Scenario Outline: Hold, transfer and wrap-up (run <run>)
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 0 open cases
    And Maya is on a call with Dana
    And the agent "Leo" is logged in and Available
    When Maya puts the call on hold
    And Maya resumes the call
    And Maya cold transfers the call to Leo with the note "Needs a refund"
    And Leo answers the call
    And Leo hangs up
    And Leo completes the wrap-up with "RESOLVED"
    Then the call log in the CRM and the CTI has the disposition "RESOLVED"

    Examples:
      | run |
      | 1   |
      | 2   |
      | 3   |
      | 4   |
      | 5   |
      | 6   |
      | 7   |
      | 8   |
      | 9   |
      | 10  |
      | 11  |

  Scenario Outline: Presence round trip (run <run>)
    Given the agent "Maya" is logged in and Available
    When Maya chooses "Break" in the softphone presence menu
    Then the console shows Maya's CRM presence as "Busy"
    When Maya sets her CRM presence to "Online"
    Then Maya's softphone shows the state "Available"

    Examples:
      | run |
      | 1   |
      | 2   |
      | 3   |
      | 4   |
      | 5   |
      | 6   |
      | 7   |
      | 8   |
      | 9   |
      | 10  |
      | 11  |
