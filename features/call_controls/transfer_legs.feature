@call_controls @nightly
Feature: Each leg of a transfer, checked on its own
  After a transfer, the agent who handed the call on is off it and the colleague who took it is on it,
  in the softphones, the CTI and the CRM.

  @severity:critical @req:CC-20
  Scenario: A cold transfer to Leo ends Maya's leg and connects Leo's leg with Dana
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case
    And Maya is on a call with Dana
    And the second agent "Leo" is logged in and Available
    When Maya cold transfers the call to Leo with the note "Wants a refund"
    Then Leo's softphone rings with Dana's number
    When Leo answers the call
    Then the first leg of the call was Maya's, ended by a cold transfer to Leo
    And the second leg of the call is Leo's, connected with Dana
