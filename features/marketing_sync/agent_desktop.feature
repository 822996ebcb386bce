@marketing_sync @nightly
Feature: Marketing activity and consent on the agent desktop
  Agents work from the CRM console. What marketing knows about the customer (the emails sent,
  an unsubscribe, a do-not-call request) must be on the console, and must stop the agent from
  contacting a customer who said no.

  Background:
    Given marketing is in step with the CRM
    And the agent "Maya" is logged in and Available

  @severity:critical @req:MKT-10
  Scenario: The contact's timeline shows the emails marketing sent
    Given a customer "Priya Raman" synced to marketing
    When marketing sends Priya the email "Your spring newsletter"
    And the scheduled sync runs
    And Maya opens Priya's record in the console
    Then the console timeline shows the marketing email "Your spring newsletter"
    And the CRM timeline shows the marketing email "Your spring newsletter" for Priya

  @severity:critical @req:MKT-11
  Scenario: A contact who unsubscribed shows "Do not email" and cannot be emailed from the console
    Given a customer "Siobhan O'Connor" synced to marketing
    When Siobhan unsubscribes from marketing email
    And the scheduled sync runs
    And Maya opens Siobhan's record in the console
    Then the console shows "Do not email" for Siobhan
    And Maya cannot email Siobhan from the console

  @severity:critical @req:MKT-12
  Scenario: A do-not-call request taken by marketing blocks click-to-dial
    Given a customer "Marco Rossi" synced to marketing
    When Marco sets do not call in marketing
    And the scheduled sync runs
    And Maya opens Marco's record in the console
    Then the console shows "Do not call" for Marco
    And Maya cannot call Marco from the console
