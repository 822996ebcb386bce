@same_identity @nightly @issue:16
Feature: The same person arriving twice at once leaves one record
  Load scenarios use different people. Here the same call or the same contact is written twice at
  the same moment (a second tab, a second agent), and the systems must keep exactly one record.

  Background:
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 0 open cases

  @severity:critical @req:RACE-1
  Scenario: A wrap-up completed from two tabs at the same moment is logged once
    Given Maya has finished a call with Dana on the "support" queue
    When Maya's two tabs complete the wrap-up with "RESOLVED" at the same moment
    Then one completion is taken and the other is refused as already done
    And the call log in the CRM and the CTI has the disposition "RESOLVED"
    And the CRM has exactly one call log for the call, written once
    And the CTI announced the call completed exactly once
    And Maya's softphone shows the state "Available"

  @severity:critical @req:RACE-2
  Scenario: Two agents saving one contact at the same moment leave one contact with one of their changes
    When Maya and Leo change Dana's email at the same moment, to "dana.maya@example.test" and "dana.leo@example.test"
    Then the CRM has exactly one contact with Dana's number
    And Dana's email in the CRM is one of "dana.maya@example.test" and "dana.leo@example.test"
    When Maya opens Dana's contact record in the console
    Then the contact record shows Dana's email as the CRM has it

  @severity:critical @req:RACE-3
  Scenario Outline: A form posted twice at the same moment leaves one marketing contact (<how>)
    When Dana posts the "Contact us" form twice at the same moment, <how>
    Then marketing took one post as new and the other as Dana's again
    And marketing has exactly one contact with Dana's email

    Examples:
      | how                      |
      | with one submission id   |
      | with two submission ids  |

  @severity:critical @req:RACE-4
  Scenario: A call log delivered twice at the same moment is stored once
    When a sales call log for Dana reaches the CRM twice at the same moment
    Then both deliveries were answered without a server error
    And the CRM has exactly one call log for the call, written once
