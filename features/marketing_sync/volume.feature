@marketing_sync @nightly
Feature: Bulk imports and webinar-sized bursts
  Integrations that work for one record can fail at volume: encodings break on import and
  simultaneous form posts get dropped or doubled.

  Background:
    Given marketing is in step with the CRM

  @severity:critical @req:MKT-2
  Scenario: 1,000 imported contacts with accents, apostrophes, other scripts and long values arrive intact
    Given a file of 1000 synthetic contacts with accents, apostrophes, non-Latin scripts, long values and international numbers
    When the file is imported into marketing
    And the scheduled sync runs
    Then all 1000 contacts arrive in the CRM intact
    And the sync error log is empty

  @severity:critical @req:MKT-3
  Scenario: 350 simultaneous webinar registrations: none dropped, none duplicated
    Given the webinar "Spring product tour" is open for registration
    When 350 people register for "Spring product tour" at the same moment, 20 of them twice
    And the scheduled sync runs
    Then marketing has exactly 350 registrants in "Spring product tour"
    And the CRM has exactly one contact for each of the 350 registrants
    And the registration throughput is in the report
