@marketing_sync @nightly
Feature: Contact sync touchpoints between the CRM and marketing automation
  Marketing operations test each touchpoint of the CRM connector on its own. The field-mapping
  spec says which fields sync, in which direction, how often and how they are transformed; each
  touchpoint guards against the failure that usually breaks it.

  Background:
    Given marketing is in step with the CRM

  @severity:critical @req:MKT-1
  Scenario Outline: Touchpoint - <touchpoint>
    Given <starting point>
    When <action>
    And the scheduled sync runs
    Then <expected result>
    And the sync shows no sign of "<common failure>"

    Examples:
      | touchpoint          | starting point                                   | action                                               | expected result                                                    | common failure                               |
      | new record creation | a prospect "Ada Lovelace" in neither system      | Ada is added to the CRM                              | Ada appears in marketing within 5 minutes                          | API rate limiting delays the sync            |
      | field updates       | a customer "Ada Lovelace" synced to marketing    | Ada's email changes in the CRM and later in marketing | both systems keep Ada's newer email from marketing                 | conflict rules overwrite newer data          |
      | record deletion     | a customer "Ada Lovelace" in the "Onboarding" nurture | Ada is deleted from the CRM                     | Ada is inactive in marketing, out of the nurture, her history kept | a hard delete orphans related records        |
      | bulk import         | a file of 50 contacts with special characters    | the file is imported into marketing                  | all 50 contacts arrive in the CRM intact                           | character encoding breaks special characters |
      | custom field sync   | a customer "Ada Lovelace" synced to marketing    | Ada's industry is typed as "rETAIL" in the CRM       | marketing shows Ada's industry as the picklist value "Retail"      | case sensitivity creates duplicate values    |
      | activity logging    | a customer "Ada Lovelace" synced to marketing    | marketing sends Ada the email "Spring offers"        | the CRM timeline shows the marketing email "Spring offers" for Ada | the activity type is mapped wrongly          |
