@presence @nightly
Feature: Presence stays the same everywhere
  The agent's state in the softphone, the CRM presence and the supervisor board must agree,
  whichever side the change comes from, and nothing asked for during a call is lost.

  Background:
    Given the agent "Maya" is logged in and Available

  @smoke @severity:critical @req:PR-1
  Scenario Outline: A state chosen in the softphone shows in the CRM and on the board
    Given the supervisor "Sam" is watching the supervisor board
    When Maya chooses "<choice>" in the softphone presence menu
    Then Maya's softphone shows the state "<softphone state>"
    And the console shows Maya's CRM presence as "<crm status>"
    And the CRM has Maya's presence as "<crm status>" set from the CTI
    And the supervisor board shows Maya as "<softphone state>"

    Examples:
      | choice   | softphone state     | crm status |
      | Break    | Not ready (Break)   | Busy       |
      | Lunch    | Not ready (Lunch)   | Busy       |
      | Training | Not ready (Training)| Busy       |
      | Offline  | Offline             | Offline    |

  @severity:critical @req:PR-2
  Scenario Outline: A status set in the CRM shows in the softphone
    When Maya sets her CRM presence to "<crm status>"
    Then Maya's softphone shows the state "<softphone state>"
    And the CTI has Maya "<cti state>" changed from the CRM

    Examples:
      | crm status | softphone state  | cti state |
      | Busy       | Not ready (Busy) | NOT_READY |
      | Offline    | Offline          | OFFLINE   |

  @severity:critical @req:PR-3
  Scenario: A state chosen during a call is queued and applied after wrap-up
    Given a customer "Dana Whitfield" with 0 open cases
    And Maya is on a call with Dana
    When Maya chooses "Lunch" in the softphone presence menu
    Then Maya's softphone shows the state "On call" with "Lunch" next
    And the CTI has Maya "ON_INTERACTION" with "NOT_READY" queued next
    When Maya hangs up
    And Maya completes the wrap-up with "RESOLVED"
    Then Maya's softphone shows the state "Not ready (Lunch)"
    And the CRM has Maya's presence as "Busy" set from the CTI

  @severity:critical @req:PR-4
  Scenario: A CRM status pushed during a call is deferred, not lost
    Given a customer "Dana Whitfield" with 0 open cases
    And Maya is on a call with Dana
    When Maya sets her CRM presence to "Offline"
    Then Maya's softphone shows the state "On call" with "Offline" next
    When Maya hangs up
    And Maya completes the wrap-up with "RESOLVED"
    Then Maya's softphone shows the state "Offline"
    And the CTI has Maya "OFFLINE" changed from the CRM

  @severity:normal @req:PR-5
  Scenario: Two console tabs stay in step
    Given Maya has the console open in a second tab
    When Maya chooses "Break" in the softphone presence menu
    Then both of Maya's tabs show the state "Not ready (Break)" and the CRM presence "Busy"

  @severity:critical @req:PR-6
  Scenario: Signing out sets Offline everywhere
    Given the supervisor "Sam" is watching the supervisor board
    When Maya signs out of the console
    Then the CTI has Maya "OFFLINE" changed from the CRM
    And the CRM has Maya's presence as "Offline" set from the CRM
    And the supervisor board shows Maya as "Offline"

  @severity:normal @req:PR-7
  Scenario: The supervisor board shows a live call
    Given the supervisor "Sam" is watching the supervisor board
    And a customer "Dana Whitfield" with 0 open cases
    When Dana calls the support line
    And Maya answers the call
    Then the supervisor board shows Maya as "On call" with Dana's number on "support"

  @severity:normal @req:PR-8
  Scenario: Every presence change is an event that names its source
    When Maya chooses "Break" in the softphone presence menu
    Then the console shows Maya's CRM presence as "Busy"
    When Maya sets her CRM presence to "Online"
    Then the CTI emitted Maya's state changes "NOT_READY" from "cti" then "AVAILABLE" from "crm"
    And the CRM emitted Maya's presence changes "Busy" from "cti" then "Online" from "crm"
