"""Which failures a retry can cure: a lost or refused database connection, an unreachable
landing area, a network timeout. Anything else is about the data or the code.

The loader asks it to tell a file's own failure (record the file as rejected, go on) from the
database going away (stop: the night is retried); the DAGs' retry policy asks it too.
"""

from __future__ import annotations

import psycopg

from zhuanhua.errors import LandingUnreachable, LoadBusy

TRANSIENT = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    ConnectionError,
    TimeoutError,
    LandingUnreachable,
    LoadBusy,  # another load of the feed is running: a later try finds it done
)


def is_transient(error: BaseException) -> bool:
    return isinstance(error, TRANSIENT)
