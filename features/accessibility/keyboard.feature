@accessibility @nightly
Feature: Handling calls with the keyboard only
  An agent who cannot use a mouse answers, holds, transfers and wraps up calls with Tab, Enter and the
  arrow keys. The focus moves into the softphone and out of it in reading order, lands where the next
  action is, and a screen reader announces a new call without the agent looking for it.

  Background:
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case

  @severity:critical @req:A11Y-6
  Scenario: A new call is read out to the screen reader
    Given Maya's screen reader is listening to the softphone
    When Dana calls the support line
    Then Maya's screen reader hears "Incoming call" with Dana's number

  @severity:critical @req:A11Y-7
  Scenario: The focus goes through the console and the softphone in reading order
    When Dana calls the support line
    And Maya tabs once around the console from the search box, forwards and then backwards
    Then every control on the way has a name and shows where the focus is
    And the focus enters the "Softphone" frame once and leaves it again
    And in the "Softphone" frame the focus reaches "Answer" before "Reject"
    And backwards the focus visits the same controls in reverse order

  @severity:critical @req:A11Y-8
  Scenario: Answer, hold and resume with the keyboard
    When Dana calls the support line
    And Maya answers the call with the keyboard
    Then Maya's softphone shows the call with Dana connected
    And the CTI has Dana's call connected to Maya, who is on the call
    And Maya's keyboard focus is on the softphone's "Hold" button
    When Maya puts the call on hold with the keyboard
    Then the CTI has the call held
    And Maya's keyboard focus is on the softphone's "Resume" button
    When Maya resumes the call with the keyboard
    Then Maya's softphone shows the call with Dana connected
    And Maya's keyboard focus is on the softphone's "Hold" button

  @severity:critical @req:A11Y-9
  Scenario: Cold transfer with the keyboard
    Given the agent "Leo" is logged in and Available
    And Maya is on a call with Dana
    When Maya cold transfers the call to the "sales" queue with the note "Asks about the premium plan" using the keyboard
    Then Leo's softphone rings with Dana's number
    And the CTI records a cold transfer from Maya to the "sales" queue with the note "Asks about the premium plan"

  @severity:normal @req:A11Y-10
  Scenario: Warm transfer with the keyboard: consult, then complete
    Given the agent "Leo" is logged in and Available
    And Maya is on a call with Dana
    When Maya warm transfers the call to Leo with the note "Billing question" using the keyboard
    Then Leo's softphone offers a consult from Maya with the note "Billing question"
    And Maya's keyboard focus is on the softphone's "Cancel consult" button
    When Leo answers the call
    And Maya completes the transfer
    Then Leo's softphone shows the call with Dana connected
    And the CTI records a warm transfer from Maya to Leo with the note "Billing question"

  @severity:critical @req:A11Y-11
  Scenario: Hang up and complete the wrap-up with the keyboard
    Given Maya is on a call with Dana
    When Maya hangs up with the keyboard
    Then Maya's keyboard focus is on the softphone's "Disposition" drop-down
    When Maya completes the wrap-up with "RESOLVED" using the keyboard
    Then the call log in the CRM and the CTI has the disposition "RESOLVED"
    And Maya's softphone shows the state "Available"
