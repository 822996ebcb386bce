@screen_pop @nightly
Feature: Role-restricted fields stay hidden in the screen pop
  Trainees and agents see only the fields their role allows, and the CRM enforces it
  on the server, not only in the page.

  @severity:critical @req:SEC-1
  Scenario Outline: A <role> sees only what the role allows
    Given the <role> "<name>" is logged in and Available
    And a customer "Ines Duarte" with a date of birth, a tax id and a balance on file
    When Ines calls the support line
    Then the console shows Ines's contact record with 0 open cases
    And the record shows <shown> and hides <hidden>
    And the CRM API hides <hidden> from <name> too

    Examples:
      | role    | name | shown                              | hidden                             |
      | trainee | Tia  | "Phone, Email"                     | "Date of birth, Tax ID, Balance"   |
      | agent   | Maya | "Phone, Email, Date of birth, Balance" | "Tax ID"                       |
