@resilience @nightly
Feature: The softphone rides out a dropped event stream
  The softphone learns about calls from the telephony event stream. When the connection drops
  it reconnects and catches up: a call offered meanwhile still rings, and nothing pops twice.

  Background:
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case

  @severity:critical @req:RES-6
  Scenario: A call offered while the event stream is down still rings once it reconnects
    Given Maya's softphone loses its connection to the telephony events
    When Dana calls the support line
    And the softphone's connection comes back
    Then Maya's softphone rings with Dana's number
    And the console shows Dana's contact record with 1 open case
    And the CRM recorded one screen pop of the call for Maya

  @severity:normal @req:RES-7
  Scenario: The event stream drops while a call rings: one screen pop, not two
    When Dana calls the support line
    Then Maya's softphone rings with Dana's number
    When Maya's softphone loses its connection to the telephony events
    And the softphone's connection comes back
    Then Maya's softphone rings with Dana's number
    And the console shows Dana's contact record with 1 open case
    And the CRM recorded one screen pop of the call for Maya
