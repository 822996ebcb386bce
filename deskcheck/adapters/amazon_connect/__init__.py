"""Amazon Connect behind the CTI port (agent side), through boto3's ``connect`` client: ``AmazonConnectCti``.

    from deskcheck.adapters.amazon_connect import AmazonConnectCti

    cti = AmazonConnectCti(instance_id="...", region="eu-west-2")            # keys from boto3's own chain
    cti = AmazonConnectCti(instance_id, region, endpoint_url="http://127.0.0.1:PORT",  # the sandbox's door
                           aws_access_key_id=..., aws_secret_access_key=...,
                           dispositions=crm.dispositions, clock=controls.now)

The same adapter talks to a real instance or to the sandbox's Amazon Connect door: only the endpoint,
the instance id and the keys change. It holds no URL path of its own, only boto3 calls.

What it reads and does, by Connect operation:
- agent states are agent statuses: ``agent`` (SearchUsers by username, GetCurrentUserData,
  ListRoutingProfileQueues, ListAgentStatuses), ``set_agent_state`` (PutUserStatus: AVAILABLE is the
  ROUTABLE status, OFFLINE the OFFLINE one, NOT_READY the CUSTOM status named like the reason). Ringing,
  on call and after call work come from the agent's contact in GetCurrentUserData; a status changed during
  a contact is Connect's NextStatus, applied after it.
- ``interaction`` / ``interactions``: DescribeContact, GetContactAttributes (the IVR's and the bot's
  context, the journey's ``correlation_id``), GetCurrentUserData for a contact an agent has; SearchContacts
  (the last ``search_days`` days) for the list.
- ``queue``: DescribeQueue, DescribeHoursOfOperation, GetCurrentMetricData (agents available, contacts
  in queue); ``set_queue_hours``: UpdateHoursOfOperation (capability ``agent_admin``).
- wrap-up: ``save_wrapup`` writes the contact attributes ``disposition`` and ``wrapup_notes``
  (UpdateContactAttributes); ``complete_wrapup`` ends after contact work (DismissUserContact);
  ``dispositions_for`` asks the ``dispositions`` source given at construction, since Connect keeps no
  catalogue (with Service Cloud Voice, Salesforce's).
- ``hang_up``: StopContact. ``dial``: StartOutboundVoiceContact through the ``outbound_flow`` flow to the
  agent's own queue.

Raises NotSupported: ``answer`` and ``cancel_consult`` (capability ``call_control_api``: Connect has no API
for them, the agent does them in the CCP), ``wrapup_draft`` (``wrapup_draft``: Connect keeps no draft),
``callbacks`` (``callbacks``), ``api_session`` / ``accepts_session`` (``token_audit``: SigV4, no tokens).
Connect's API does not tell mute, DTMF sent, transfer notes, consult legs, offers nobody took or the CRM
presence it synced: those Interaction and AgentState fields keep their defaults.

What must exist in the instance first: the test agents as users (Username = the agent's username) with a
routing profile over their queues; agent statuses Available, Offline and a CUSTOM status per not-ready
reason the scenarios use (Busy, Break, Lunch, Training, ...); the queues, each with its hours of operation
and, where the wrap-up is not optional, the tags ``deskcheck:wrapup_mode`` (optional | mandatory |
timeboxed) and ``deskcheck:acw_seconds``; a CONTACT_FLOW flow named "deskcheck outbound" (or
``outbound_flow``) that transfers to the working queue.

The customer's side of a call: a Connect instance has no call simulator. A team keeps the sandbox's call
generator (the ``telephony`` role: ``SandboxCallGenerator``) against the sandbox's door, and against a real
instance supplies its own ``CallGeneratorPort`` that places real calls to the instance's number, e.g. over
a carrier's outbound-call API (Twilio's Calls API, Amazon Chime SDK's SIP media application), and hangs up
as the customer.
"""
from deskcheck.adapters.amazon_connect.cti import AmazonConnectCti

__all__ = ["AmazonConnectCti"]
