@events @nightly
Feature: Every journey leaves a traceable trail of events
  Each state change is an event whose payload matches the JSON Schema kept in the repo
  (schemas/events/), and every event of one call carries the call's correlation id, so a
  journey can be followed across the CTI and the CRM.

  Background:
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case

  @severity:critical @req:EV-1
  Scenario: An answered call that is wrapped up
    When Dana calls the support line
    And Maya answers the call
    And Maya puts the call on hold
    And Maya resumes the call
    And Maya hangs up
    And Maya completes the wrap-up with "RESOLVED"
    Then the call's events arrive in this order, each with the call's correlation id:
      | system | event                      |
      | cti    | interaction.queued         |
      | cti    | interaction.offered        |
      | cti    | interaction.connected      |
      | cti    | interaction.held           |
      | cti    | interaction.resumed        |
      | cti    | interaction.ended          |
      | cti    | interaction.wrapup_started |
      | cti    | interaction.completed      |
      | crm    | activity.created           |
      | crm    | screenpop.performed        |
      | crm    | activity.completed         |
    And every event of the call matches its JSON Schema

  @severity:normal @req:EV-2
  Scenario: A call nobody answers
    When Dana calls the support line
    Then Maya's softphone rings with Dana's number
    When 21 seconds pass while it rings
    Then the call's events arrive in this order, each with the call's correlation id:
      | system | event               |
      | cti    | interaction.queued  |
      | cti    | interaction.offered |
      | cti    | interaction.missed  |
    And the CTI announced Maya's states in order: "Ringing, Not ready (Missed)"
    And every event of the call matches its JSON Schema
    And every event about Maya matches its JSON Schema

  @severity:normal @req:EV-3
  Scenario: A presence change chosen in the softphone reaches the CRM as events
    When Maya chooses "Lunch" in the softphone presence menu
    Then the CTI announced Maya's states in order: "Available, Not ready (Lunch)"
    And the CRM announced Maya's presence "Busy" with the reason "Lunch", set from the CTI
    And every event about Maya matches its JSON Schema
