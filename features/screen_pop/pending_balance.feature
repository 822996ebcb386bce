@screen_pop @nightly
Feature: The screen pop shows what the customer owes
  An agent sees a pending payment before saying hello.

  @severity:normal @req:SP-20
  Scenario: Priya's pending payment pops with her balance
    Given the agent "Maya" is logged in and Available
    And a customer "Priya Raman" with a pending payment of $249.99
    When Priya calls the support line
    Then Maya's softphone rings with Priya's number
    When Maya answers the call
    Then the console shows Priya's contact record with:
      | field          | value           |
      | Billing status | Pending payment |
      | Balance        | $249.99         |
      | Open cases     | 0               |
