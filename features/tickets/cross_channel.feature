@tickets @nightly
Feature: One ticket across email, phone and chat
  A customer may write, then call, then chat about the same issue. Whatever channel an update comes
  from, the ticket, the CRM and the agent's views agree, and the customer hears about each change.

  Background:
    Given the agent "Maya" is logged in and Available

  @smoke @severity:critical @req:TKT-4
  Scenario: A ticket opened by email, updated on a call and closed in the chat is consistent everywhere
    Given a customer "Elena Petrova" with 0 open cases
    When Elena emails support "My bill is wrong" saying "I was charged twice this month"
    Then the helpdesk has an email ticket "My bill is wrong" linked to Elena's CRM record
    When Elena calls the support line
    And Maya answers the call
    And Maya opens the ticket from Elena's record in the console
    And Maya writes on the ticket "The double charge will be refunded this week" via "Phone"
    And Elena opens the chat on the website
    And Elena writes "Please close my support request"
    And Elena gives her email address in the chat
    Then the bot confirms Elena's support request is closed
    And the helpdesk has the ticket solved with messages from email, phone and chat
    And Elena was emailed about the new ticket, the reply and the solution
    And Elena's record in Maya's console shows the ticket as "Solved"
    And the ticket view shows the ticket as "Solved" with the customer's chat message

  @severity:critical @req:TKT-5
  Scenario: The CRM record and the ticket view link to each other
    Given a customer "Elena Petrova" with 0 open cases
    And Elena has an email ticket "Change of address"
    When Maya opens the ticket from Elena's record in the console
    Then the ticket view shows Elena as the requester
    When Maya follows the ticket's link back to the CRM
    Then that tab shows Elena's contact record
    And the helpdesk ticket and the CRM list each other

  @severity:critical @req:TKT-6
  Scenario: A caller who hangs up before reaching an agent gets a ticket and a callback
    Given a customer "Elena Petrova" with 0 open cases
    And no agent is taking calls on the support line
    When Elena calls the support line
    Then the CTI has Elena's call waiting in its queue for an agent
    When Elena hangs up before anyone answers
    Then the helpdesk has an abandoned-call ticket for Elena from the phone
    And the CTI scheduled a callback for Elena's abandoned call
    And Elena's record in Maya's console shows the ticket as "New" and the next action "Call back (abandoned call)"
