"""The warehouse's personal-data key: written once, replaced only on purpose (domain.md §12)."""

from __future__ import annotations

import secrets

import psycopg

from zhuanhua.domain.personal import pads


def ensure_key(conn: psycopg.Connection, key: bytes | None) -> None:
    """Write the warehouse's key once: ZHUANHUA_PERSON_KEY when set (production: from the
    secret store), else 32 random bytes. An existing key is kept: replacing it changes every
    hash, which `rotate_key` does on purpose."""
    inner, outer = pads(key or secrets.token_bytes(32))
    conn.execute(
        "insert into private.person_hash_key (inner_pad, outer_pad) values (%s, %s) "
        "on conflict do nothing",
        (inner, outer),
    )


def rotate_key(conn: psycopg.Connection, key: bytes) -> None:
    """Replace the key; every hash changes, so the models must be rebuilt in full after."""
    inner, outer = pads(key)
    conn.execute(
        "update private.person_hash_key set inner_pad = %s, outer_pad = %s, created_at = now()",
        (inner, outer),
    )
