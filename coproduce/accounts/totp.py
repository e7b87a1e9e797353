"""Time-based one-time passwords (RFC 6238) for staff sign-in, on top of `pyotp`.

Codes are 6 digits, a new one every 30 seconds. We accept the code of the current
30-second step and of the step either side (clocks on phones drift), but never a step
that has already been used, so a code seen over someone's shoulder cannot be replayed.
"""

from __future__ import annotations

import hmac
import time

import pyotp

INTERVAL = 30
DIGITS = 6
#: How many steps either side of now we accept.
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters = 160 bits


def grouped(secret: str) -> str:
    """'JBSWY3DPEHPK3PXP' → 'JBSW Y3DP EHPK 3PXP': easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(*, secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(name=account, issuer_name=issuer)


def current_step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // INTERVAL)


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).at(step * INTERVAL)


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "") if not ch.isspace() and ch != "-")


def matching_step(*, secret: str, code: str, last_used_step: int, at: float | None = None) -> int | None:
    """The step whose code is `code`, if it is near now and newer than `last_used_step`."""
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = current_step(at)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step <= last_used_step:
            continue
        if hmac.compare_digest(code_at_step(secret, step), code):
            return step
    return None


def next_usable_code(*, secret: str, last_used_step: int, at: float | None = None) -> tuple[str, int]:
    """The code to type now (used by the demo's `demo-code` command): the current step's,
    or the next step's if the current one has already been used."""
    step = max(current_step(at), last_used_step + 1)
    return code_at_step(secret, step), step
