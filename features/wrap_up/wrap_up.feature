@wrap_up @nightly
Feature: Wrap-up dispositions land in every system, exactly once
  After a call the agent records what happened. Each queue decides whether a disposition is
  mandatory, optional or timeboxed; the call log must reach the CRM and the CTI once, with
  the same disposition, notes and wrap-up time.

  Background:
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 1 open case

  @smoke @severity:blocker @req:WU-1
  Scenario: A mandatory disposition blocks Done until one is chosen
    Given Maya has finished a call with Dana on the "support" queue
    Then Maya cannot complete the wrap-up without a disposition
    And the CTI refuses to complete the wrap-up without a disposition
    When Maya completes the wrap-up with "RESOLVED"
    Then the call log in the CRM and the CTI has the disposition "RESOLVED"
    And Maya's softphone shows the state "Available"

  @severity:normal @req:WU-2
  Scenario: Optional mode lets the agent finish without a disposition
    Given Maya has finished a call with Dana on the "sales" queue
    When Maya completes the wrap-up without a disposition
    Then the call log in the CRM and the CTI has no disposition
    And Maya's softphone shows the state "Available"

  @severity:critical @req:WU-3
  Scenario: Timeboxed wrap-up times out to WRAPUP_TIMEOUT
    Given Maya has finished a call with Dana on the "billing" queue
    When Maya writes the wrap-up note "Customer will call back"
    And 31 seconds pass in wrap-up
    Then Maya's softphone closes the wrap-up form and shows the state "Available"
    And the call log in the CRM and the CTI has the disposition "WRAPUP_TIMEOUT"
    And the call log keeps the note "Customer will call back"

  @severity:normal @req:WU-4
  Scenario: The wrap-up countdown follows the clock
    Given Maya has finished a call with Dana on the "billing" queue
    Then Maya's wrap-up countdown shows 30 seconds left
    When 10 seconds pass in wrap-up
    Then Maya's wrap-up countdown shows 20 seconds left
    And the CTI has the wrap-up deadline 20 seconds away

  @severity:critical @req:WU-5
  Scenario: Reloading the console keeps the wrap-up draft
    Given Maya has finished a call with Dana on the "support" queue
    When Maya chooses the disposition "FOLLOW_UP" and writes the note "Send the return label"
    And Maya reloads the console
    Then Maya's wrap-up form still has "FOLLOW_UP" and the note "Send the return label"
    And the CTI keeps the draft "FOLLOW_UP" with the note "Send the return label"

  @severity:critical @req:WU-6
  Scenario: Closing the tab loses nothing
    Given Maya has finished a call with Dana on the "support" queue
    When Maya chooses the disposition "ESCALATED" and writes the note "Manager to call back"
    And Maya closes the console tab and opens it again
    Then Maya's wrap-up form still has "ESCALATED" and the note "Manager to call back"
    When Maya completes the wrap-up
    Then the call log in the CRM and the CTI has the disposition "ESCALATED"
    And the call log keeps the note "Manager to call back"

  @smoke @severity:blocker @req:WU-7
  Scenario: The call log lands once in the CRM and once in the CTI, with the wrap-up time
    Given Maya has finished a call with Dana on the "support" queue
    When Maya chooses the disposition "RESOLVED" and writes the note "Reset the router"
    And 12 seconds pass in wrap-up
    And Maya completes the wrap-up
    Then the call log in the CRM and the CTI has the disposition "RESOLVED"
    And the call log keeps the note "Reset the router"
    And the call log records 12 seconds of wrap-up in the CRM and the CTI
    And the CRM has exactly one call log for the call, written once
    And the console timeline shows the call completed with "RESOLVED"

  @severity:normal @req:WU-8
  Scenario Outline: The dispositions offered match the call's queue
    Given Maya has finished a call with Dana on the "<queue>" queue
    Then Maya is offered the dispositions "<codes>"
    And the CRM catalogue for "<queue>" has the same dispositions

    Examples:
      | queue   | codes                               |
      | support | RESOLVED, FOLLOW_UP, ESCALATED      |
      | sales   | SALE, NO_SALE, CALLBACK             |
      | billing | PAYMENT_TAKEN, PLAN_AGREED, DISPUTE |

  @severity:normal @req:WU-9
  Scenario: After wrap-up the agent returns to the state queued during the call
    Given Maya is on a call with Dana
    When Maya chooses "Break" in the softphone presence menu
    And Maya hangs up
    And Maya completes the wrap-up with "RESOLVED"
    Then Maya's softphone shows the state "Not ready (Break)"
    And the CTI has Maya "NOT_READY" changed from the CTI
