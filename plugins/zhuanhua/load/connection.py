"""Where the warehouse is and how to connect: the configured URL, else the embedded server."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg

from zhuanhua.load.embedded import EmbeddedServer
from zhuanhua.settings import Settings


def warehouse_url(settings: Settings) -> str:
    """ZHUANHUA_WAREHOUSE_URL when set, else the embedded server's (which must be running)."""
    return settings.warehouse_url or EmbeddedServer(settings.home).url("warehouse")


def other_database(url: str, database: str, scheme: str | None = None) -> str:
    """The same server and login, another database (and, for SQLAlchemy, another scheme)."""
    parts = urlsplit(url)
    return urlunsplit((scheme or parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def connect(settings: Settings, **kwargs) -> psycopg.Connection:
    """Autocommit: every write says where its transaction starts and ends (`transaction()`),
    so one file version is one transaction and reads hold no locks between statements."""
    return psycopg.connect(warehouse_url(settings), **{"autocommit": True, **kwargs})
