"""Records: what the contact center's systems hold, in the contact center's words.

Steps compare records, never an API's JSON. Every adapter (the sandbox's, Salesforce's, Amazon
Connect's, a team's own) returns these, so one step reads the same on every target. Plain frozen
dataclasses with no pytest in them: a team can import them from its own tooling.

Each record says what it is in a sentence (``describe()``), so a failed check reads as domain words:
"the CRM call log of call int-1 has disposition None".
"""
from deskcheck.records.channels import *  # noqa: F401,F403
from deskcheck.records.crm import *  # noqa: F401,F403
from deskcheck.records.cti import *  # noqa: F401,F403
from deskcheck.records.marketing import *  # noqa: F401,F403
from deskcheck.records.shared import *  # noqa: F401,F403
from deskcheck.records.channels import SLA_METRICS  # noqa: F401
