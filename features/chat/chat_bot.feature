@chat @nightly
Feature: The chat bot answers from the systems behind it
  Customers chat on the website. The bot knows who they are once they give their email or
  customer id, answers from the helpdesk and the CRM, cites its knowledge articles, and says so
  plainly when a system gives it nothing.

  @smoke @severity:critical @req:CHAT-1
  Scenario: An authenticated customer gets her refund status from the helpdesk
    Given a customer "Priya Raman" with a refund request "Refund for duplicate charge" updated by an agent with "Refund approved, expect it in 3-5 days"
    When Priya opens the chat on the website
    And Priya writes "Where is my refund?"
    And Priya gives her email address in the chat
    Then the bot tells Priya her refund request is open with the update "Refund approved, expect it in 3-5 days"
    And the chat system found Priya in the CRM by her email
    And the helpdesk recorded that Priya read her refund status in the chat

  @severity:normal @req:CHAT-2
  Scenario: A customer id is enough to get the latest order's status
    Given a customer "Owen Price" with 0 open cases, 1 recent order and billing status "Current"
    When Owen opens the chat on the website
    And Owen writes "What's happening with my order?"
    And Owen gives his customer id in the chat
    Then the bot tells Owen his latest order is "shipped"
    And the chat system found Owen in the CRM by his customer id

  @severity:normal @req:CHAT-3
  Scenario: A knowledge answer cites its source article
    When Priya opens the chat on the website
    And Priya writes "How do I reset my router?"
    Then the bot answers "Unplug the router for 30 seconds" citing "KB-101 Resetting your router"
    And the chat system recorded a knowledge answer from "KB-101"

  @severity:critical @req:CHAT-4
  Scenario: The helpdesk returns nothing and the bot falls back politely
    Given a customer "Priya Raman" with a refund request "Refund for duplicate charge" updated by an agent with "Approved"
    And the helpdesk answers the chat bot with an empty body
    When Priya opens the chat on the website
    And Priya writes "Where is my refund?"
    And Priya gives her email address in the chat
    Then the bot says it cannot see her refund details right now and offers a person
    And the chat system recorded a fallback because the helpdesk gave nothing

  @severity:normal @req:CHAT-5
  Scenario: An email the CRM does not know is not accepted
    When Priya opens the chat on the website
    And Priya writes "Where is my order?"
    And Priya writes "nobody@nowhere.example"
    Then the bot says it could not find an account and asks again
    And the chat system has not identified the customer

  @severity:critical @req:CHAT-6
  Scenario: The bot hands the chat to an agent with the transcript, intent path and sentiment
    Given the agent "Maya" is logged in and Available
    And the supervisor "Sam" is watching the supervisor board
    And a customer "Priya Raman" with 0 open cases
    When Priya opens the chat on the website
    And Priya writes "Where is my refund?"
    And Priya gives her email address in the chat
    And Priya writes "This is ridiculous, I am still waiting"
    And Priya writes "I want to talk to a person"
    Then Maya's softphone offers a chat from Priya Raman
    When Maya accepts the chat
    Then the supervisor board shows Maya as "On call" with Priya's number on "support"
    And Maya's chat panel shows the transcript with "This is ridiculous, I am still waiting"
    And Maya's chat panel shows the intent path "Refund status > Authentication > Not understood > Talk to an agent" and a "negative" sentiment
    And Priya sees that Maya joined the chat
    When Maya replies "Hi Priya, I can see your refund request and I'm on it"
    Then Priya sees Maya's reply "Hi Priya, I can see your refund request and I'm on it"
    When Maya ends the chat and completes the wrap-up with "RESOLVED"
    Then the CRM has a completed chat for Priya with the transcript, the intent path and a "negative" sentiment
    And Priya's timeline in Maya's console shows the chat with its intent path

  @severity:critical @req:CHAT-7
  Scenario Outline: The bot raises a support request with the right metadata and priority
    Given a customer "Priya Raman" with 0 open cases
    When Priya opens the chat on the website
    And Priya writes "<first message>"
    And Priya gives her email address in the chat
    And Priya writes "Please raise a support request"
    Then the bot confirms a support request with priority "<priority>"
    And the helpdesk has that chat ticket for Priya with priority "<priority>", category "<category>" and the chatbot tags
    And the ticket's description holds the chat transcript

    Examples:
      | first message                                  | priority | category |
      | Where is my refund?                            | normal   | refund   |
      | My order is late and this is unacceptable      | high     | order    |

  @severity:normal @req:CHAT-9 @issue:16
  Scenario: A support request raised in the chat opens in the agent's ticket view
    Given the agent "Maya" is logged in and Available
    And a customer "Priya Raman" with 0 open cases
    When Priya opens the chat on the website
    And Priya writes "Where is my refund?"
    And Priya gives her email address in the chat
    And Priya writes "Please raise a support request"
    Then the bot confirms a support request with priority "normal"
    When Maya opens the ticket from Priya's record in the console
    Then the ticket view and the helpdesk show the ticket with:
      | field    | value  |
      | Channel  | Chat   |
      | Priority | Normal |
      | Category | refund |

  @severity:normal @req:CHAT-8
  Scenario: A service visit is rescheduled in the chat
    Given a customer "Owen Price" with 0 open cases
    When Owen opens the chat on the website
    And Owen writes "I need to reschedule my technician visit"
    And Owen gives his customer id in the chat
    And Owen writes "2026-12-03 please"
    Then the bot confirms the visit is moved to "2026-12-03"
    And the chat system recorded the visit for Owen moved to "2026-12-03"

  @resilience @severity:critical @req:RES-CHAT-1
  Scenario: The helpdesk is down when the bot raises a support request: queued, created later, nothing lost
    Given a customer "Priya Raman" with 0 open cases
    And the helpdesk is down for the chat bot
    When Priya opens the chat on the website
    And Priya writes "Where is my order?"
    And Priya gives her email address in the chat
    And Priya writes "Please raise a support request"
    Then the bot says the support request is queued until the helpdesk is back
    And the helpdesk has no ticket from Priya's chat yet
    When the helpdesk comes back
    Then the helpdesk creates exactly one chat ticket for Priya from that chat, with the chatbot tags
