@marketing_sync @nightly
Feature: One customer on several journeys at once
  Real prospects are nurtured, register for webinars and talk to sales at the same time. Every
  activity must land in the CRM once, in the order it happened, on one contact.

  Background:
    Given marketing is in step with the CRM

  @severity:critical @req:MKT-13
  Scenario: A contact in a nurture, a webinar and a sales call at the same time
    Given a customer "Nadia Costa" synced to marketing
    And Nadia is in the "Onboarding" nurture
    And the webinar "Spring product tour" is open for registration
    When at the same time the nurture emails Nadia "Getting started", Nadia registers for "Spring product tour" and sales logs a call with Nadia
    And a minute later the nurture emails Nadia "Tips and tricks" while the scheduled sync runs
    And the scheduled sync runs
    Then the CRM timeline has each of Nadia's activities once, in the order they happened
    And marketing has one contact for Nadia, in "Onboarding" and "Spring product tour"
