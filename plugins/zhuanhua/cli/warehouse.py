"""`zhuanhua db|setup|access`: the warehouse itself, its set-up, roles, logins and key."""

from __future__ import annotations

import sys

from zhuanhua.build.dbt import manifest, run_dbt
from zhuanhua.cli.common import password
from zhuanhua.errors import ConfigError
from zhuanhua.load.connection import connect, warehouse_url
from zhuanhua.load.embedded import EmbeddedServer
from zhuanhua.ops.orchestrate import prepare_airflow
from zhuanhua.ops.steps import prepare_warehouse
from zhuanhua.security.access import ROLES, add_county, add_login, apply_roles
from zhuanhua.security.person_key import rotate_key
from zhuanhua.settings import Settings


def add_commands(verbs) -> None:
    db = verbs.add_parser("db", help="the embedded warehouse: start, stop, status, url")
    db.add_argument("action", choices=["start", "stop", "status", "url"])
    db.set_defaults(handler=database)

    setup_cmd = verbs.add_parser(
        "setup", help="start the warehouse, create schemas, Airflow metadata"
    )
    setup_cmd.set_defaults(handler=setup)

    access = verbs.add_parser("access", help="roles and logins (docs/security.md)")
    acts = access.add_subparsers(required=True, metavar="ACTION")
    acts.add_parser(
        "apply", help="grant each role what it needs (also done by setup)"
    ).set_defaults(handler=access_apply)
    county = acts.add_parser("add-county", help="a county analyst's login, seeing its county")
    county.add_argument("county", help="county-level division code, e.g. 510503")
    county.add_argument("--login", required=True)
    county.add_argument("--password-env", help="environment variable holding the password")
    county.set_defaults(handler=access_add_county)
    login = acts.add_parser("add-login", help="a login in one of the roles")
    login.add_argument(
        "role",
        choices=[r for r in ROLES if r != "county_analyst"],
        help="county analysts: add-county",
    )
    login.add_argument("login")
    login.add_argument("--password-env", help="environment variable holding the password")
    login.set_defaults(handler=access_add_login)
    acts.add_parser(
        "rotate-key",
        help="hash persons under ZHUANHUA_PERSON_KEY from now on, and rebuild every model",
    ).set_defaults(handler=access_rotate_key)


def database(args, settings: Settings) -> int:
    server = EmbeddedServer(settings.home)
    if settings.warehouse_url and args.action != "url":
        print("ZHUANHUA_WAREHOUSE_URL is set: the embedded server is not used", file=sys.stderr)
    if args.action == "start":
        print(server.start())
    elif args.action == "stop":
        print("stopped" if server.stop() else "not running")
    elif args.action == "status":
        running = server.is_running()
        print(f"running at {server.url()}" if running else "not running")
        return 0 if running else 3
    else:
        print(warehouse_url(settings))
    return 0


def setup(args, settings: Settings) -> int:
    if not settings.warehouse_url:
        EmbeddedServer(settings.home).start()
    with connect(settings) as conn:
        prepare_warehouse(conn, settings)
        apply_roles(conn)
    manifest(settings)  # before any scheduler or worker parses the warehouse DAG
    prepare_airflow(settings)
    print("warehouse schemas, roles, dbt's manifest and Airflow metadata are ready")
    return 0


def access_apply(args, settings: Settings) -> int:
    with connect(settings) as conn:
        apply_roles(conn)
    print("roles granted")
    return 0


def access_add_county(args, settings: Settings) -> int:
    with connect(settings) as conn:
        add_county(conn, args.county, args.login, settings.region, password(args))
    print(f"{args.login}: county analyst of {args.county}")
    return 0


def access_add_login(args, settings: Settings) -> int:
    with connect(settings) as conn:
        add_login(conn, args.role, args.login, password(args))
    print(f"{args.login}: {args.role}")
    return 0


def access_rotate_key(args, settings: Settings) -> int:
    if settings.person_key is None:
        raise ConfigError("set ZHUANHUA_PERSON_KEY to the new key first")
    with connect(settings) as conn:
        rotate_key(conn, settings.person_key)
    run_dbt(settings, "build", "--full-refresh")
    print("key rotated; every model rebuilt with the new hashes")
    return 0
