@integration_edges @nightly @issue:16
Feature: Each integration edge carries its change on its own
  On the desktop a change often travels twice: the softphone tells the console over the browser
  bridge, and the systems tell each other over their APIs. A broken server-side push then goes
  unseen. Here each change is made where only one edge can carry it (a system's own API, the
  agent's desk phone, a closed console) and the far side is checked.

  @severity:critical @req:EDGE-1
  Scenario: A presence set in the CRM's API reaches the CTI and the board with no console open
    Given the agent "Maya" is Available in the CTI with no console open
    And the supervisor "Sam" is watching the supervisor board
    When the CRM's API sets Maya's presence to "Busy"
    Then the CTI has Maya "NOT_READY" changed from the CRM
    And the supervisor board shows Maya as "Not ready (Busy)"

  @severity:critical @req:EDGE-2
  Scenario: A state set in the CTI's API reaches the CRM with no console open
    Given the agent "Maya" is Available in the CTI with no console open
    When the CTI's API sets Maya Not ready because "Break"
    Then the CRM has Maya's presence as "Busy" set from the CTI
    When Maya opens the console
    Then the console shows Maya's CRM presence as "Busy"
    And Maya's softphone shows the state "Not ready (Break)"

  @severity:critical @req:EDGE-3
  Scenario: A call handled on the desk phone is logged in the CRM and reported to WFM with no console open
    Given the agent "Maya" is Available in the CTI with no console open
    And a customer "Dana Whitfield" with 0 open cases
    When Dana calls the support line
    And Maya answers on her desk phone, hangs up and completes the wrap-up with "RESOLVED"
    Then the call log in the CRM and the CTI has the disposition "RESOLVED"
    And workforce management received the disposition "RESOLVED" for Maya's inbound call
    When Maya opens Dana's contact record in the console
    Then the contact record's timeline shows "Inbound call · completed · RESOLVED"
