@events @nightly
Feature: Partners get signed webhooks, retried until they answer
  A partner system subscribes to the CRM's contact events. Every delivery is signed with the
  shared secret; a partner that is down is retried with growing pauses and finally reported;
  the same delivery arriving twice is processed once; deliveries with a bad signature are refused.

  Background:
    Given a partner system subscribed to the CRM's contact events

  @severity:critical @req:EV-4
  Scenario: A delivery carries a valid signature and a valid payload
    When a customer "Nora Quinn" is added to the CRM
    Then the partner receives the new contact, signed with the shared secret
    And the delivered event matches its JSON Schema

  @severity:critical @req:EV-5
  Scenario: A partner that is down is retried with back-off, then the failure is reported
    Given the partner system is down
    When a customer "Nora Quinn" is added to the CRM
    Then the CRM tries the delivery 5 times with growing pauses
    And the CRM reports the failed delivery as a "webhook.delivery.failed" event

  @severity:normal @req:EV-6
  Scenario: A partner that fails twice gets the event on the third try
    Given the partner system fails the next 2 deliveries
    When a customer "Nora Quinn" is added to the CRM
    Then the partner processes the new contact on attempt 3
    And the CRM reports no failed delivery for it

  @severity:critical @req:EV-7
  Scenario: The same delivery arriving twice is processed once
    Given the CRM delivers every event twice
    When a customer "Nora Quinn" is added to the CRM
    Then the partner acknowledges both deliveries and processes the new contact once

  @severity:critical @req:EV-8
  Scenario Outline: A delivery that is <problem> is refused
    When someone sends the partner a contact event that is <problem>
    Then the partner refuses it as unauthorised and processes nothing

    Examples:
      | problem                      |
      | unsigned                     |
      | signed with the wrong secret |
      | altered after signing        |
