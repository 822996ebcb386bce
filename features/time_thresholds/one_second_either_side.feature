@time_thresholds @nightly @issue:16
Feature: Time rules hold to the second, on both sides of the line
  A rule that fires an hour early, or a second late, passes a check made long after the line.
  Each rule here is checked at the last second before its line ("not yet") and at the line
  itself ("now"), on the target's clock. (The lead-score threshold, one point below and at it:
  features/marketing_sync/triggers.feature.)

  @severity:critical @req:TIME-1
  Scenario Outline: A ringing call rings out at the ring timeout, not a second sooner
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 0 open cases
    When Dana calls the support line
    And <seconds> seconds pass without an answer
    Then Maya's softphone shows the state "<softphone state>"
    And the CTI has the call "<call state>" and Maya "<agent state>"

    Examples:
      | seconds | softphone state    | call state | agent state |
      | 19      | Ringing            | offered    | RESERVED    |
      | 20      | Not ready (Missed) | missed     | NOT_READY   |

  @severity:critical @req:TIME-2
  Scenario Outline: A timeboxed wrap-up ends at its limit, not a second sooner
    Given the agent "Maya" is logged in and Available
    And a customer "Dana Whitfield" with 0 open cases
    And Maya has finished a call with Dana on the "billing" queue
    When <seconds> seconds pass in wrap-up
    Then Maya's softphone shows the state "<softphone state>"
    And the CTI has the call "<call state>" and Maya "<agent state>"

    Examples:
      | seconds | softphone state | call state | agent state |
      | 29      | After call work | wrapup     | ACW         |
      | 30      | Available       | completed  | AVAILABLE   |

  @severity:critical @req:TIME-3
  Scenario Outline: The resolution SLA warns and breaches to the second, in business hours
    Given the agent "Maya" is logged in and Available
    And it is Monday 14:00
    And a customer "Tomas Berg" with a high priority phone ticket "Router keeps dropping"
    And Maya has answered the ticket
    When <hours> hours pass
    And <seconds> seconds pass
    Then the helpdesk has the resolution SLA "<state>" with <left> seconds of business time left

    Examples:
      | hours | seconds | state    | left |
      | 21    | 3599    | running  | 7201 |
      | 22    | 0       | warning  | 7200 |
      | 23    | 3599    | warning  | 1    |
      | 24    | 0       | breached | 0    |

  @severity:critical @req:TIME-4
  Scenario Outline: A line opens and closes on the minute
    Given the support line is open on weekdays from 09:00 to 17:00
    And it is Monday <time>
    When <seconds> seconds pass
    Then the CTI has the support line <open or closed>

    Examples:
      | time  | seconds | open or closed |
      | 08:59 | 59      | closed         |
      | 08:59 | 60      | open           |
      | 16:59 | 59      | open           |
      | 16:59 | 60      | closed         |

  @severity:critical @req:TIME-5
  Scenario Outline: An access token is taken to its last second and refused when its lifetime is over
    Given the CRM and the CTI have just issued the suite's API clients new access tokens
    When <part> of the access tokens' lifetime passes
    Then the CRM and the CTI <verdict> the access tokens they issued

    Examples:
      | part                     | verdict    |
      | all but the last second  | still take |
      | all                      | refuse     |
