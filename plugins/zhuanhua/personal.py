"""Personal data by keyed hash (domain.md §12): the key, and the same hash in Python.

The warehouse computes `private.person_key(value)` in SQL (HMAC-SHA256); this module writes
its key once per warehouse and computes the identical value where Python needs it (tests,
exports). Only the HMAC pads are stored: they are the key, in the form SHA-256 needs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import psycopg

BLOCK = 64  # SHA-256 block size: HMAC pads the key to it


def pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer pads of a key (RFC 2104)."""
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def person_key(value: str, key: bytes) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def ensure_key(conn: psycopg.Connection) -> None:
    """Write the warehouse's key once: ZHUANHUA_PERSON_KEY when set (production: from the
    secret store), else 32 random bytes. An existing key is kept: replacing it changes every
    hash, which `rotate_key` does on purpose."""
    from zhuanhua.config import load_settings

    inner, outer = pads(load_settings().person_key or secrets.token_bytes(32))
    conn.execute("insert into private.person_hash_key (inner_pad, outer_pad) values (%s, %s) "
                 "on conflict do nothing", (inner, outer))


def rotate_key(conn: psycopg.Connection, key: bytes) -> None:
    """Replace the key; every hash changes, so the models must be rebuilt in full after."""
    inner, outer = pads(key)
    conn.execute("update private.person_hash_key set inner_pad = %s, outer_pad = %s, "
                 "created_at = now()", (inner, outer))
