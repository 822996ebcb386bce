@resilience @nightly
Feature: Simultaneous changes: the last writer is visible everywhere and nothing is lost
  Two agents, or the softphone and the CRM, may change the same thing at the same moment. Every
  system and every screen must end up showing the same, last, value, and every change must be
  recorded.

  Background:
    Given the agent "Maya" is logged in and Available
    And the second agent "Leo" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case

  @severity:critical @req:RES-11
  Scenario: Two agents change the same contact's email at once
    Given Maya and Leo both have Dana's contact record open
    When Maya and Leo change Dana's email at the same moment
    Then both consoles and the CRM show the same email for Dana, the last one written
    And the CRM recorded both email changes

  @severity:normal @req:RES-12
  Scenario: Two agents change different details of the same contact at once
    Given Maya and Leo both have Dana's contact record open
    When Maya changes Dana's email while Leo changes Dana's account number
    Then both consoles and the CRM show both of Dana's new details

  @severity:critical @req:RES-13
  Scenario: The softphone and the CRM change Maya's presence at the same moment
    When Maya's softphone asks for "Break" while the CRM sets her "Offline" at the same moment
    Then Maya's softphone, console, the CTI and the CRM all agree on her last state
    And both presence changes were recorded as events
