@click_to_dial @nightly
Feature: Click-to-dial from the console
  Agents call customers from any phone number in the console. The softphone dials in E.164, refuses
  numbers on the do-not-call list, and every call lands on the customer's record.

  Background:
    Given the agent "Maya" is logged in and Available

  @smoke @severity:critical @req:C2D-1
  Scenario: Calling a contact from the record logs the call against it
    Given a customer "Owen Price" with 0 open cases
    When Maya opens Owen's record in the console and clicks Call
    Then Maya's softphone is connected to Owen's number
    And the CTI has an outbound call from Maya to Owen's number, dialled from Owen's record
    And the CRM has logged an outbound call for Owen in progress
    And Owen's timeline in Maya's console shows "Outbound call · in progress"

  @severity:normal @req:C2D-2
  Scenario Outline: A number typed in any format is dialled in E.164
    Given a customer "Owen Price" with 0 open cases
    When Maya dials Owen's number typed as <format> in the softphone
    Then Maya's softphone is connected to Owen's number
    And the CTI dialled Owen's number in E.164
    And the CRM has logged an outbound call for Owen in progress

    Examples:
      | format                      |
      | "national with brackets"    |
      | "dotted"                    |
      | "dashes"                    |
      | "international with spaces" |

  @smoke @severity:blocker @req:C2D-3
  Scenario: A contact on the do-not-call list cannot be called
    Given a customer "Marta Nowak" on the do-not-call list
    When Maya opens Marta's record in the console
    Then the record shows that calls to Marta are blocked
    When Maya dials Marta's number in the softphone
    Then the softphone refuses with "Marta Nowak is on the do-not-call list"
    And the CTI placed no call to Marta and reported the blocked attempt
    And the CRM has no call logged for Marta

  @severity:critical @req:C2D-4
  Scenario: An outbound call is answered, dispositioned and logged
    Given a customer "Owen Price" with 0 open cases
    When Maya opens Owen's record in the console and clicks Call
    And Maya hangs up
    And Maya completes the wrap-up with "FOLLOW_UP"
    Then the CRM has Owen's outbound call completed with "FOLLOW_UP"
    And Owen's timeline in Maya's console shows "Outbound call · completed · FOLLOW_UP"
    And workforce management received the disposition "FOLLOW_UP" for Maya's outbound call

  @severity:normal @req:C2D-5
  Scenario: An unanswered callback is logged and tried again later
    Given a customer "Ivy Stone" whose phone is never answered
    And no agent is taking calls on the support line
    When Ivy calls the support line
    And Ivy hangs up before anyone answers
    And Maya becomes Available
    Then Maya's softphone shows a callback due for Ivy after an abandoned call
    When Maya calls Ivy back from the softphone
    Then the softphone says the call to Ivy failed with no answer
    And the CRM logged attempt 1 for Ivy with no answer and the next action "Call back again (attempt 2 of 3)"
    When 30 minutes pass
    Then Maya's softphone shows a callback due for Ivy after an abandoned call
