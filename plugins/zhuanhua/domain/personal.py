"""Personal data by keyed hash (domain.md §12): the same hash in Python as in SQL.

The warehouse computes `private.person_key(value)` in SQL (HMAC-SHA256); this module computes
the identical value where Python needs it (tests, exports) and the HMAC pads the warehouse
stores (they are the key, in the form SHA-256 needs). Keeping the key is `security`'s job.
"""

from __future__ import annotations

import hashlib
import hmac

BLOCK = 64  # SHA-256 block size: HMAC pads the key to it


def pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer pads of a key (RFC 2104)."""
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def person_key(value: str, key: bytes) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
