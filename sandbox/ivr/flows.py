"""The IVR's menu flows, as data. Each node says something and names where each input leads.

Node kinds:
- `account`: collect an account number (DTMF ending in #, or spoken digits), look it up in crm.
- `menu`: options by key (DTMF) and by keywords (speech); `personalised_for` picks a variant.
- `transfer`: hand the call to cti with the caller's context (queue, reason).
- `callback`: the queue is closed: press 1 to be called back when it opens.
"""
from __future__ import annotations

LINES = {"support": "main"}  # the number a caller dials -> its flow

FLOWS = {
    "main": {
        "start": "account",
        "nodes": {
            "account": {
                "kind": "account", "label": "Account entry",
                "prompt": "Welcome to Deskcheck Telecom. Please enter your account number, then press hash.",
                "retry_prompt": "That account number was not recognised. Please enter it again, then press hash.",
                "fallback_prompt": "We can't check your account right now. Let's carry on and an agent will help you.",
                "max_tries": 2, "verified": "menu", "unverified": "menu",
            },
            "menu": {
                "kind": "menu", "label": "Main menu",
                "prompt": "For billing press 1, for technical support press 2, for sales press 3. "
                          "Or tell us in a few words why you are calling.",
                "personalised": {"pending_payment": "payment_menu"},
                "options": {
                    "1": {"label": "Billing", "next": "to_billing", "keywords": ["bill", "billing", "invoice", "charge"]},
                    "2": {"label": "Technical support", "next": "to_support",
                          "keywords": ["internet", "router", "broken", "support", "connection", "technical"]},
                    "3": {"label": "Sales", "next": "to_sales", "keywords": ["buy", "upgrade", "sales", "new plan"]},
                },
            },
            "payment_menu": {
                "kind": "menu", "label": "Pending payment menu",
                "prompt": "You have a pending payment of {balance}. To pay it now press 1, "
                          "for other billing questions press 2, for anything else press 3.",
                "options": {
                    "1": {"label": "Pay pending balance", "next": "to_payments", "keywords": ["pay", "payment"]},
                    "2": {"label": "Billing question", "next": "to_billing", "keywords": ["bill", "question"]},
                    "3": {"label": "Something else", "next": "menu", "keywords": ["else", "other"]},
                },
            },
            "to_billing": {"kind": "transfer", "label": "Transfer to billing", "queue": "billing", "reason": "Billing"},
            "to_payments": {"kind": "transfer", "label": "Transfer to payments", "queue": "billing",
                            "reason": "Pending payment"},
            "to_support": {"kind": "transfer", "label": "Transfer to support", "queue": "support",
                           "reason": "Technical support"},
            "to_sales": {"kind": "transfer", "label": "Transfer to sales", "queue": "sales", "reason": "Sales"},
            "closed": {
                "kind": "callback", "label": "Closed: callback offer",
                "prompt": "Our {queue} team is closed. Press 1 and we will call you back when we open at {opens}. "
                          "Press 2 to leave.",
            },
        },
    },
}

MIN_SPEECH_CONFIDENCE = 0.5
LOOKUP_ATTEMPTS = 2  # the crm lookup is tried twice before the fallback prompt
