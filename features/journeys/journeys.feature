@journeys @nightly
Feature: End-to-end journeys across the contact center
  The three journeys every contact center runs all day, each crossing three to five systems under
  one correlation id, so a journey can be traced from its first system to its last.

  @smoke @severity:blocker @req:JRN-1
  Scenario: A caller verified by the IVR hears their ticket update and reaches an agent with the full picture
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 2 open cases, 1 recent order and billing status "Current"
    And Dana has an email ticket "Router keeps dropping"
    When Dana calls the support line and enters her account number
    Then the IVR read Dana the update of "Router keeps dropping"
    When Dana presses 2 for "Technical support"
    Then Maya's softphone rings with Dana's number on the "support" queue
    And Maya's softphone shows Dana's verified account and the IVR steps "Account verified, Ticket updates offered, Chose: Technical support"
    And the console shows Dana's contact record with 2 open cases
    And the 360 panel shows 1 recent order and billing status "Current"
    And Dana's record shows the ticket "Router keeps dropping"
    And the IVR, the CTI, the CRM and the helpdesk recorded the journey under one correlation id

  @smoke @severity:blocker @req:JRN-2
  Scenario: A chat about a refund is answered by the bot, then handed to an agent with full context
    Given the agent "Maya" is logged in and Available
    And a customer "Priya Raman" with a refund request "Refund for duplicate charge" updated by an agent with "Refund approved"
    When Priya opens the chat on the website
    And Priya writes "Where is my refund?"
    And Priya gives her email address in the chat
    Then the bot tells Priya her refund request is open with the update "Refund approved"
    When Priya writes "Can I talk to a person please?"
    Then Maya's softphone offers a chat from Priya Raman
    When Maya accepts the chat
    Then Maya's chat panel shows the transcript with "Refund approved"
    And Maya's chat panel shows the intent path "Refund status > Authentication > Talk to an agent" and a "neutral" sentiment
    And the console shows Priya's contact record
    And the chat, the CTI, the CRM and the helpdesk recorded the journey under one correlation id

  @smoke @severity:blocker @req:JRN-3
  Scenario: A missed call becomes a proactive callback, logged in the CRM and reported to WFM
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case
    When Dana calls the support line
    And 20 seconds pass without Maya answering
    Then Maya's softphone shows the state "Not ready (Missed)"
    And the CRM shows the next action "Call back (missed call)" for Dana
    When Maya becomes Available
    Then Maya's softphone shows a callback due for Dana after a missed call
    When Maya calls Dana back from the softphone
    Then Maya's softphone is connected to Dana's number
    And the CRM logged attempt 1 for Dana as connected
    When Maya hangs up
    And Maya completes the wrap-up with "RESOLVED"
    Then the CRM shows the next action "None: callback completed (RESOLVED)" for Dana
    And workforce management received the disposition "RESOLVED" for Maya's callback to Dana
    And the CTI and the CRM recorded the callback journey under one correlation id
