@call_controls @nightly
Feature: Call controls inside the CRM
  The softphone embedded in the console must drive the call, and the CTI and the CRM must
  record what happened.

  Background:
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case

  @smoke @severity:blocker @req:CC-1
  Scenario: Agent answers an incoming call
    When Dana calls the support line
    And Maya answers the call
    Then Maya's softphone shows the call with Dana connected
    And the CTI has Dana's call connected to Maya, who is on the call
    And the CRM has logged an inbound call for Dana in progress

  @severity:critical @req:CC-2
  Scenario: Agent rejects an incoming call and is set to Missed
    When Dana calls the support line
    And Maya rejects the call
    Then Maya's softphone shows the state "Not ready (Missed)"
    And the CTI has the call rejected and Maya Not ready because "Missed"
    And the CRM shows Maya as "Busy"

  @severity:critical @req:CC-2 @issue:16
  Scenario: A rejected call goes back to the queue and rings at the next available agent
    Given the supervisor "Sam" is watching the supervisor board
    When Dana calls the support line
    Then Maya's softphone rings with Dana's number
    When Leo chooses "Available" in the softphone presence menu
    Then Leo's softphone shows the state "Available"
    When Maya rejects the call
    Then Leo's softphone rings with Dana's number
    And the CTI has Dana's call offered to Leo after Maya rejected it
    And Maya's softphone shows the state "Not ready (Missed)"
    And the supervisor board shows Maya as "Not ready (Missed)"
    And the supervisor board shows Leo as "Ringing"
    And the CRM shows Maya as "Busy"
    When Leo answers the call
    Then Leo's softphone shows the call with Dana connected

  @severity:normal @req:CC-3
  Scenario: An unanswered call times out and the agent is set to Missed
    When Dana calls the support line
    And 21 seconds pass without an answer
    Then Maya's softphone shows the state "Not ready (Missed)"
    And the CTI has the call missed and Maya Not ready because "Missed"

  @severity:critical @req:CC-4
  Scenario: Hold and resume, with the hold time recorded
    Given Maya is on a call with Dana
    When Maya puts the call on hold
    Then Maya's softphone shows the call on hold
    And the CTI has the call held
    When 45 seconds pass on hold
    And Maya resumes the call
    Then Maya's softphone shows the call with Dana connected
    And the CTI has recorded 45 seconds on hold

  @severity:normal @req:CC-5
  Scenario: Mute and unmute
    Given Maya is on a call with Dana
    When Maya mutes the call
    Then Maya's softphone shows the call muted
    And the CTI has the call muted
    When Maya unmutes the call
    Then Maya's softphone shows the call not muted
    And the CTI has the call not muted

  @severity:normal @req:CC-6
  Scenario: Keypad digits are recorded on the interaction
    Given Maya is on a call with Dana
    When Maya presses "1042#" on the keypad
    Then Maya's softphone shows "1042#" sent
    And the CTI has recorded the digits "1042#" on the call

  @severity:critical @req:CC-7
  Scenario: Cold transfer to another queue
    Given the agent "Leo" is logged in and Available
    And Maya is on a call with Dana
    When Maya cold transfers the call to the "sales" queue with the note "Asks about the premium plan"
    Then Leo's softphone rings with Dana's number
    And Maya's softphone shows the state "Available"
    And the CTI records a cold transfer from Maya to the "sales" queue with the note "Asks about the premium plan"

  @severity:critical @req:CC-8
  Scenario: Warm transfer: consult, then complete
    Given the agent "Leo" is logged in and Available
    And Maya is on a call with Dana
    When Maya warm transfers the call to Leo with the note "Billing question, needs a senior"
    Then Leo's softphone offers a consult from Maya with the note "Billing question, needs a senior"
    And the CTI has the call held while Maya consults
    When Leo answers the call
    And Maya completes the transfer
    Then Leo's softphone shows the call with Dana connected
    And Maya's softphone shows the state "Available"
    And the CTI has Dana's call connected to Leo, who is on the call
    And the CTI records a warm transfer from Maya to Leo with the note "Billing question, needs a senior"

  @severity:normal @req:CC-9
  Scenario: Warm transfer cancelled: the call comes back
    Given the agent "Leo" is logged in and Available
    And Maya is on a call with Dana
    When Maya warm transfers the call to Leo with the note "Quick question"
    And Leo answers the call
    And Maya cancels the consult
    Then Maya's softphone shows the call with Dana connected
    And the CTI has Dana's call connected to Maya, who is on the call
    And the CTI has Leo "AVAILABLE"

  @severity:critical @req:CC-10
  Scenario: Customer hangs up mid-call
    Given Maya is on a call with Dana
    When Dana hangs up
    Then Maya's softphone says the customer hung up and opens the wrap-up form
    And the CTI has the call in wrap-up, ended by the customer, and Maya in after call work
    And the CRM shows Maya as "Busy"

  @severity:critical @req:CC-11
  Scenario: Agent hangs up
    Given Maya is on a call with Dana
    When Maya hangs up
    Then Maya's softphone opens the wrap-up form
    And the CTI has the call in wrap-up, ended by the agent, and Maya in after call work

  @severity:normal @req:CC-12
  Scenario: Caller gives up while the call is ringing
    When Dana calls the support line
    And Dana hangs up before anyone answers
    Then Maya's softphone stops ringing and shows the state "Available"
    And the CTI has the call abandoned
