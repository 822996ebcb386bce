@marketing_sync @nightly
Feature: Lead score triggers and sequence dependencies
  A workflow that fires on "lead score reaches 50" must fire when the score climbs to 50, not
  below it, and not again when the score dips and climbs back unless it is set up to. Steps that
  depend on each other must wait: a contact is enrolled only once it exists.

  Background:
    Given marketing is in step with the CRM
    And a customer "Lena Fischer" synced to marketing

  @severity:critical @req:MKT-4
  Scenario Outline: The threshold trigger fires only when the score reaches it from below
    Given Lena's lead score is <start>
    And a "Sales ready" trigger at a lead score of 50 starts watching
    When Lena's lead score changes by <change>
    Then the "Sales ready" trigger has fired <times> for Lena
    And the CRM shows Lena's lead score as <final> and stage "<stage>"

    Examples:
      | start | change | final | times   | stage |
      | 40    | 9      | 49    | 0 times |       |
      | 40    | 10     | 50    | once    | MQL   |
      | 49    | 2      | 51    | once    | MQL   |
      | 50    | 5      | 55    | 0 times |       |

  @severity:normal @req:MKT-5
  Scenario Outline: A dip and a climb back fire again only when the trigger is set up to
    Given a "Sales ready" trigger at a lead score of 50 that <refire> on a new crossing
    And Lena's lead score is 40
    When Lena's lead score changes by 15
    And Lena's lead score changes by -10
    And Lena's lead score changes by 10
    Then the "Sales ready" trigger has fired <times> for Lena

    Examples:
      | refire             | times |
      | does not fire again | once  |
      | fires again        | twice |

  @severity:critical @req:MKT-6
  Scenario: Enrolment waits until the contact has been created
    Given the nurture "Welcome series" exists
    And a prospect "Omar Haddad" in neither system
    When marketing is asked to enrol Omar in "Welcome series" before Omar exists
    Then Omar's enrolment in "Welcome series" is waiting
    When Omar is added to the CRM
    And the scheduled sync runs
    Then Omar is enrolled in "Welcome series" after his contact was created
