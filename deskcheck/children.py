"""Child processes that die with their parent, however the parent ends (SIGTERM, SIGKILL, a crash).

On Linux the child asks the kernel for a parent-death signal (``prctl(PR_SET_PDEATHSIG)``) between
fork and exec, so even a SIGKILLed parent takes its children along. Elsewhere the parent's own
clean-up (its signal handlers, ``finally`` blocks) is all there is.

The kernel sends the signal when the *thread* that started the child ends: start children from a
thread that lives as long as they should (the main thread, as the suite and ``deskcheck sandbox`` do).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from typing import Callable

PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:  # loaded here, in the parent: between fork and exec only the call itself may run
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A ``preexec_fn`` for :class:`subprocess.Popen`: the child gets ``sig`` when its parent dies.

    None where the platform has no parent-death signal (then pass nothing as ``preexec_fn``).
    """
    if _PRCTL is None:
        return None
    parent = os.getpid()
    prctl = _PRCTL

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os.kill(os.getpid(), sig)

    return preexec


def parent_death_signal_supported() -> bool:
    return _PRCTL is not None


def follow_parent(sig: int = signal.SIGTERM) -> bool:
    """Ask for ``sig`` when this process's parent dies (an xdist worker whose controller was killed)."""
    if _PRCTL is None or os.getppid() == 1:
        return False
    _PRCTL(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    return True


def terminate_like_interrupt() -> bool:
    """SIGTERM ends this process the way Ctrl-C does, so clean-up (``finally``, fixture teardown) runs;
    a second SIGTERM ends it at once. Only from the main thread, and only over the default handler."""
    try:
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return False

        def interrupt(signum: int, frame: object) -> None:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            raise KeyboardInterrupt(f"terminated by signal {signum}")

        signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread
        return False
    return True
