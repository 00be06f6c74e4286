"""Roles and logins (docs/security.md): the group roles as code, and the logins made of them.

The group roles and their grants on the loader's schemas are `sql/roles.sql`; dbt grants the
marts and sets their row security at each build (`dbt_project/macros/access.sql`).
"""

from __future__ import annotations

from importlib import resources

import psycopg
from psycopg import sql

from zhuanhua.domain.codes import city_counties
from zhuanhua.errors import AccessError

ROLES = ("loader", "transformer", "steward", "analyst", "county_analyst", "exporter")


def ensure_roles(conn: psycopg.Connection) -> None:
    """The group roles exist (cluster-wide), so dbt's grants to them always name someone."""
    for role in ROLES:
        if not conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone():
            conn.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))


def apply_roles(conn: psycopg.Connection) -> None:
    """Each group role's grants on the schemas the loader owns (sql/roles.sql)."""
    conn.execute(resources.files(__package__).joinpath("sql/roles.sql").read_text("utf-8"))


def add_login(conn: psycopg.Connection, role: str, login: str, password: str | None) -> None:
    """A login in one of the group roles (a person or a service)."""
    if role not in ROLES:
        raise AccessError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    with conn.transaction():
        exists = conn.execute("select 1 from pg_roles where rolname = %s", (login,)).fetchone()
        statement = "alter role {} login" if exists else "create role {} login"
        conn.execute(sql.SQL(statement).format(sql.Identifier(login)))
        if password:
            conn.execute(
                sql.SQL("alter role {} password {}").format(
                    sql.Identifier(login), sql.Literal(password)
                )
            )
        conn.execute(sql.SQL("grant {} to {}").format(sql.Identifier(role), sql.Identifier(login)))


def add_county(
    conn: psycopg.Connection, county: str, login: str, region: str, password: str | None
) -> None:
    """A county analyst's login, which sees the marts' rows of that county only."""
    if county not in city_counties(region):
        raise AccessError(f"{county} is not a county-level division of {region}")
    with conn.transaction():
        add_login(conn, "county_analyst", login, password)
        conn.execute(
            """insert into access.county_login (login_name, county_code)
                        values (%s, %s) on conflict (login_name)
                        do update set county_code = excluded.county_code""",
            (login, county),
        )
