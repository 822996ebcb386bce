"""Why a sync run stops: a side did not answer. The run is logged as failed and retried after the
mapping's back-off; what was stored before stays stored."""
from __future__ import annotations


class SyncFailed(Exception):
    pass
