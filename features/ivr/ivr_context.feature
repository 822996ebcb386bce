@ivr @nightly
Feature: The IVR's context reaches the agent
  Callers tell the IVR who they are and why they call. The agent must see that journey on the
  desktop, and the CRM must keep it, so nobody asks the caller twice.

  Background:
    Given the agent "Maya" is logged in and Available

  @smoke @severity:critical @req:IVR-1
  Scenario: An account entered on the keypad is verified in the CRM and travels with the call
    Given a customer "Nadia Haddad" with 1 open case
    And the supervisor "Sam" is watching the supervisor board
    When Nadia calls the support line and enters her account number
    And Nadia presses 2 for "Technical support"
    Then Maya's softphone rings with Nadia's number on the "support" queue
    And the supervisor board shows Maya as "Ringing" with Nadia's number on "support"
    And Maya's softphone shows Nadia's verified account and the IVR steps "Account verified, Chose: Technical support"
    And the CTI call carries Nadia's verified account, the IVR path and the reason "Technical support"
    And the console shows Nadia's contact record, verified by the IVR
    And the CRM screen pop matched Nadia by account number

  @severity:normal @req:IVR-2
  Scenario: An account number the CRM does not know is asked twice, then the call goes through unverified
    Given a customer "Nadia Haddad" with 0 open cases
    When Nadia calls the support line and enters the account number "99999999" twice
    And Nadia presses 2 for "Technical support"
    Then Maya's softphone rings with Nadia's number on the "support" queue
    And Maya's softphone shows the caller as unverified
    And the IVR looked the account up in the CRM 2 times without a match
    And the CTI call carries an unverified account

  @severity:critical @req:IVR-3
  Scenario: A customer with a pending payment hears a personalised menu
    Given a customer "Priya Raman" with a pending payment of $249.99
    When Priya calls the support line and enters her account number
    Then the IVR offers Priya to pay her pending payment of $249.99
    When Priya presses 1 for "Pay pending balance"
    Then Maya's softphone rings with Priya's number on the "billing" queue
    And Maya's softphone shows the reason "Pending payment"
    And the CTI call carries Priya's verified account, the IVR path and the reason "Pending payment"

  @severity:critical @req:IVR-4
  Scenario Outline: The CRM lookup fails, the IVR retries, plays its fallback and still routes the call
    Given a customer "Nadia Haddad" with 0 open cases
    And the CRM account lookup from the IVR <failure> every time
    When Nadia calls the support line and enters her account number
    Then the IVR tried the CRM lookup 2 times and played its fallback prompt
    When Nadia presses 2 for "Technical support"
    Then Maya's softphone rings with Nadia's number on the "support" queue
    And Maya's softphone shows the caller as unverified because the account check was unavailable
    And the CTI call carries an unverified account

    Examples:
      | failure          |
      | times out        |
      | fails with a 500 |
      | returns nothing  |

  @severity:normal @req:IVR-5
  Scenario: A lookup that times out once succeeds on the retry
    Given a customer "Nadia Haddad" with 0 open cases
    And the CRM account lookup from the IVR times out once
    When Nadia calls the support line and enters her account number
    And Nadia presses 2 for "Technical support"
    Then Maya's softphone shows Nadia's verified account and the IVR steps "Account verified"
    And the IVR looked the account up in the CRM 2 times, the second time with a match

  @severity:critical @req:IVR-6
  Scenario: What the caller said reaches the agent and the CRM activity
    Given a customer "Nadia Haddad" with 0 open cases
    When Nadia calls the support line and enters her account number
    And Nadia says "my internet keeps dropping" with 92% confidence
    Then Maya's softphone shows that the caller said "my internet keeps dropping"
    When Maya answers the call
    And Maya hangs up
    And Maya completes the wrap-up with "RESOLVED"
    Then the CRM call log for Nadia keeps the transcript "my internet keeps dropping" and the IVR path
    And Nadia's timeline in the console shows that the caller said "my internet keeps dropping"

  @severity:normal @req:IVR-7
  Scenario: Speech the IVR is not sure about is asked again
    Given a customer "Nadia Haddad" with 0 open cases
    When Nadia calls the support line and enters her account number
    And Nadia says "mmh the thing" with 30% confidence
    Then the IVR asks Nadia again and no call reaches the agents yet
    When Nadia says "I want to upgrade my plan" with 88% confidence
    Then Maya's softphone rings with Nadia's number on the "sales" queue
    And Maya's softphone shows that the caller said "mmh the thing / I want to upgrade my plan"

  @severity:critical @req:IVR-8
  Scenario: After hours the IVR offers a callback for when the team opens
    Given a customer "Nadia Haddad" with 0 open cases
    And the sales line is open on weekdays from 09:00 to 17:00
    And it is Monday 18:30
    When Nadia calls the support line and enters her account number
    And Nadia presses 3 for "Sales"
    Then the IVR says the sales team is closed and offers a callback at 09:00 on Tuesday
    When Nadia presses 1 to accept the callback
    Then the CTI has a callback for Nadia on the sales queue due at 09:00 on Tuesday
    And Nadia's record in Maya's console shows the next action "Call back (after-hours request)"
    When it is Tuesday 09:00
    Then Maya's softphone shows a callback due for Nadia after hours
