@screen_pop @nightly
Feature: Screen pop on inbound calls
  Agents must see who is calling before they answer. The softphone tells the console
  who rings; the CRM finds the caller by the verified account or by the number.

  Background:
    Given the agent "Maya" is logged in and Available

  @smoke @severity:critical @req:POP-1
  Scenario: Known caller pops their contact record with the 360 view
    Given a customer "Dana Whitfield" with 2 open cases, 1 recent order and billing status "Overdue"
    When Dana calls the support line
    Then Maya's softphone rings with Dana's number on the "support" queue
    And the console shows Dana's contact record with 2 open cases
    And the 360 panel shows 1 recent order and billing status "Overdue"
    And the CRM has logged an inbound call for Dana in progress

  @severity:critical @req:POP-2
  Scenario: Two contacts share the number and the agent chooses
    Given two customers "Sam Okafor" and "Samantha Okafor" who share one phone number
    When Sam calls the support line
    Then the console says 2 contacts match the number and offers both
    When Maya chooses "Samantha Okafor" in the screen pop
    Then the console shows Samantha's contact record
    And the CRM call log links the call to Samantha as the agent's choice

  @severity:normal @req:POP-3
  Scenario: Unknown number opens a new-contact form with the number filled in
    Given a caller whose number is not in the CRM
    When the unknown caller calls the support line
    Then the console offers a new contact form with the caller's number
    When Maya creates the contact "Robin Hale" from the screen pop
    Then the console shows Robin's contact record
    And the CRM has Robin Hale with the caller's number, linked to the call

  @severity:critical @req:POP-4
  Scenario: An account verified by the IVR beats the caller's number
    Given a customer "Priya Raman" with 1 open case
    And a customer "Omar Haddad" with 0 open cases
    When Priya calls the support line from Omar's phone and the IVR verifies Priya's account
    Then the console shows Priya's contact record, verified by the IVR
    And the CRM screen pop matched Priya by account number

  @severity:normal @req:POP-5
  Scenario Outline: A number stored in any format still pops the record
    Given a customer "Lena Fischer" whose phone was entered as <format>
    When Lena calls the support line
    Then the console shows Lena's contact record with 0 open cases
    And the CRM has logged an inbound call for Lena in progress

    Examples:
      | format                      |
      | "international with spaces" |
      | "national with brackets"    |
      | "dotted"                    |

  @severity:critical @req:POP-6
  Scenario: A transferred call pops the same record for the receiving agent with the note
    Given a customer "Dana Whitfield" with 1 open case
    And Maya is on a call with Dana
    And the agent "Leo" is logged in and Available
    When Maya cold transfers the call to Leo with the note "Wants a refund on order 1042"
    Then Leo's softphone rings with Dana's number
    And Leo's console shows Dana's contact record with the transfer note "Wants a refund on order 1042" from Maya
    And the CTI records a cold transfer from Maya to Leo with the note "Wants a refund on order 1042"
