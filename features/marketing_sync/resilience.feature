@marketing_sync @nightly
Feature: Sync jobs survive outages and never loop
  Outages happen in the middle of a sync. The connector logs the failure, retries on its
  back-off and picks up where it stopped: nothing lost, nothing doubled. A change flows once
  and does not bounce back and forth between the systems.

  Background:
    Given marketing is in step with the CRM

  @severity:critical @req:MKT-7
  Scenario: Marketing goes down in the middle of a sync
    Given 120 new customers in the CRM
    And marketing will go down after the sync has stored the first batch
    When the scheduled sync runs
    Then the sync job failed and its error log names the outage
    And 50 of the 120 customers are in marketing
    When marketing is back
    And the retry interval of the mapping passes
    Then all 120 customers are in marketing exactly once
    And the sync history shows the retry succeeded

  @severity:critical @req:MKT-8
  Scenario: A consent change made in marketing reaches the CRM once and does not echo back
    Given a customer "Lena Fischer" synced to marketing
    When Lena sets do not call in marketing
    And the scheduled sync runs
    And the scheduled sync runs again
    Then the CRM has Lena on the do-not-call list
    And the second sync changed nothing in either system

  @severity:normal @req:MKT-9
  Scenario: The reconciliation report names the field that is out of step
    Given a customer "Dana Whitfield" synced to marketing
    When Dana's phone number changes in the CRM
    Then the reconciliation report names the field "phone" for Dana
    When the scheduled sync runs
    Then the reconciliation report shows no differences
