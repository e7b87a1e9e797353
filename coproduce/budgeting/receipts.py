"""Receipt codes and ballot ids.

A receipt code has 80 random bits, so it cannot be guessed; the database keeps only an
HMAC-SHA256 of it keyed with a secret pepper that is not in the database (ADR 0403). A
stolen database therefore does not let anyone find or change a ballot.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
import uuid

from django.conf import settings

# Crockford's base 32: no I, L, O or U, so codes are easy to read out and type.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 4
GROUP_LENGTH = 4


def _choose(n: int, rng: random.Random | None) -> str:
    if rng is None:
        return "".join(secrets.choice(ALPHABET) for _ in range(n))
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def new_receipt_code(rng: random.Random | None = None) -> str:
    """Like `7K2M-9QXD-4HTR-WP3A`. `rng` is only for deterministic demo data."""
    raw = _choose(CODE_GROUPS * GROUP_LENGTH, rng)
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def new_ballot_id(rng: random.Random | None = None) -> str:
    return "B" + _choose(12, rng)


def new_uuid(rng: random.Random | None = None) -> uuid.UUID:
    """The ballot row's primary key: random, so the table's key order says nothing about voting order."""
    return uuid.uuid4() if rng is None else uuid.UUID(int=rng.getrandbits(128), version=4)


def normalise_code(code: str) -> str:
    """Forgive case, spaces, hyphens and the letters people confuse with digits."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    return cleaned


def pepper() -> bytes:
    configured = getattr(settings, "COPRODUCE_BALLOT_PEPPER", None)
    if configured:
        return str(configured).encode()
    # Derived from SECRET_KEY so a fresh install works; production should set its own.
    return hmac.new(settings.SECRET_KEY.encode(), b"coproduce.budgeting.receipt-pepper", hashlib.sha256).digest()


def receipt_hash(process_id: int, code: str) -> str:
    message = f"{process_id}:{normalise_code(code)}".encode()
    return hmac.new(pepper(), message, hashlib.sha256).hexdigest()


def looks_like_a_code(code: str) -> bool:
    cleaned = normalise_code(code)
    return len(cleaned) == CODE_GROUPS * GROUP_LENGTH and all(ch in ALPHABET for ch in cleaned)
