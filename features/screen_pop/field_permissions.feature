@screen_pop @nightly @issue:16
Feature: A role cannot change a field it may not see
  Field visibility is not only what a role may read. A trainee who cannot see a tax id must not
  be able to overwrite it blindly either: the CRM refuses the write and nothing changes.

  @severity:critical @req:SEC-2
  Scenario Outline: A <role> cannot change <field>: the CRM refuses and the value stays
    Given a customer "Ines Duarte" with a date of birth, a tax id and a balance on file
    When <name> changes Ines's "<field>" to "<value>" through the CRM API with their own login
    Then the CRM refuses <name>'s change of "<field>"
    And Ines's "<field>" is unchanged in the CRM

    Examples:
      | role    | name | field         | value          |
      | trainee | Tia  | Date of birth | 1990-01-01     |
      | trainee | Tia  | Tax ID        | TX-999-99-9999 |
      | trainee | Tia  | Balance       | 0              |
      | agent   | Maya | Tax ID        | TX-999-99-9999 |

  @severity:normal @req:SEC-2
  Scenario Outline: A <role> may change <field>, which shows the refusals above are the rule, not a broken write
    Given a customer "Ines Duarte" with a date of birth, a tax id and a balance on file
    When <name> changes Ines's "<field>" to "<value>" through the CRM API with their own login
    Then the CRM has Ines's "<field>" as "<value>"

    Examples:
      | role       | name | field         | value          |
      | supervisor | Sam  | Tax ID        | TX-999-99-9999 |
      | agent      | Maya | Date of birth | 1990-01-01     |
      | agent      | Maya | Balance       | 0              |
