"""The warehouse, and a landing area in an object store, as Airflow connections: defined once,
in Airflow's UI, a secrets backend or an `AIRFLOW_CONN_*` variable, and read through the
providers' hooks where they are used.

A deployment sets ZHUANHUA_WAREHOUSE_CONN_ID; the connection is read when a task (or a
command) runs, not when a DAG file is parsed, so a rotated password or a changed host applies
to the next task. Its extras that libpq knows (sslmode, sslrootcert, …) reach every
connection the project opens; dbt gets the same connection through Cosmos' profile mapping.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import quote, urlencode

from zhuanhua.read.landing import Landing
from zhuanhua.settings import Settings

# The connection extras that are libpq parameters; the hook's own extras (cursor, iam…) are not
LIBPQ_EXTRAS = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "sslnegotiation",
    "channel_binding",
    "gssencmode",
    "connect_timeout",
    "application_name",
    "options",
    "target_session_attrs",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
)


def with_warehouse_connection(settings: Settings) -> Settings:
    """The settings with the warehouse URL read from its Airflow connection, when one is named
    (ZHUANHUA_WAREHOUSE_URL, a development setting, wins when set)."""
    if settings.warehouse_url or not settings.warehouse_conn_id:
        return settings
    # lazy: the provider imports Airflow, which the CLI loads only when a connection is named
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    hook = PostgresHook(postgres_conn_id=settings.warehouse_conn_id)
    return dataclasses.replace(
        settings, warehouse_url=libpq_url(hook.get_connection(settings.warehouse_conn_id))
    )


def libpq_url(connection) -> str:
    """An Airflow connection as a libpq URL, with its libpq extras as parameters."""
    login = quote(connection.login or "", safe="")
    secret = f":{quote(connection.password, safe='')}" if connection.password else ""
    credentials = f"{login}{secret}@" if login or secret else ""
    host = connection.host or "127.0.0.1"
    host = f"[{host}]" if ":" in host else quote(host, safe="")  # IPv6; a socket folder
    port = f":{connection.port}" if connection.port else ""
    extras = {
        k: {True: "1", False: "0"}.get(v, v) if isinstance(v, bool) else str(v)
        for k, v in connection.extra_dejson.items()
        if k in LIBPQ_EXTRAS
    }
    query = f"?{urlencode(extras, quote_via=quote)}" if extras else ""  # a space stays a space
    database = quote(connection.schema or "warehouse", safe="")
    return f"postgresql://{credentials}{host}{port}/{database}{query}"


def dbt_profile_mapping(settings: Settings):
    """Cosmos' profile of the warehouse connection (None: profiles.yml and the URL's parts)."""
    if not settings.warehouse_conn_id or settings.warehouse_url:
        return None
    from cosmos.profiles import PostgresUserPasswordProfileMapping  # lazy: Cosmos is heavy

    return PostgresUserPasswordProfileMapping(
        conn_id=settings.warehouse_conn_id, profile_args={"schema": "marts", "threads": 2}
    )


def landing_area(settings: Settings) -> Landing:
    """The landing area; an object store's through its Airflow connection (ZHUANHUA_LANDING_CONN_ID,
    e.g. an `aws` connection with a MinIO `endpoint_url` extra), by Airflow's ObjectStoragePath,
    so its keys live in Airflow, not in the project's environment."""
    if not settings.landing_conn_id:
        return Landing(settings.landing)
    from airflow.sdk import ObjectStoragePath  # lazy: Airflow, and the store's provider

    return Landing(
        settings.landing, ObjectStoragePath(settings.landing, conn_id=settings.landing_conn_id).fs
    )
