"""Superset's users and roles for the bureau, run by `zhuanhua bi` in Superset's own venv.

Reads a JSON document on standard input:
    {"users": [{"username", "password", "role", "first_name"}], "mart_schemas": ["marts"],
     "bundle": "<path of the dashboards' zip>", "owner": "<username>",
     "dashboard_roles": {"<slug>": ["<role>"]}}
The users are made (or their roles and passwords reset), the bundle imported over what an
earlier import made (as assets: every object overwritten, keeping its UUID), then the
Reader role given the datasets.
A user's role is `Admin`, or `Reader` (Superset's Gamma with access to the datasets of the
mart schemas: the analysts' and the county analysts' dashboards, not the data-quality one).
Every user queries the warehouse as the login of the same name (the database impersonates
its users), so what a county user sees is its county's rows, by PostgreSQL's row security.
"""

import json
import sys
from zipfile import ZipFile

from flask import g
from superset.app import create_app

READER = "Reader"


def main() -> None:
    request = json.load(sys.stdin)
    app = create_app()
    with app.app_context():
        from superset import db, security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.commands.importers.v1.utils import get_contents_from_bundle
        from superset.connectors.sqla.models import SqlaTable
        from superset.models.dashboard import Dashboard

        reader = security_manager.add_role(READER)
        _users(request["users"], security_manager)
        db.session.commit()
        g.user = security_manager.find_user(username=request["owner"])
        with ZipFile(request["bundle"]) as bundle:
            ImportAssetsCommand(get_contents_from_bundle(bundle)).run()
        for table in db.session.query(SqlaTable).all():
            if table.schema in request["mart_schemas"]:
                permission = security_manager.add_permission_view_menu(
                    "datasource_access", table.perm
                )
                security_manager.add_permission_role(reader, permission)
        for slug, roles in request["dashboard_roles"].items():
            board = db.session.query(Dashboard).filter_by(slug=slug).one()
            board.roles = [security_manager.find_role(name) for name in roles]
        db.session.commit()


def _users(users: list[dict], security_manager) -> None:
    for user in users:
        roles = [security_manager.find_role(name) for name in _roles(user["role"])]
        found = security_manager.find_user(username=user["username"])
        if found is None:
            made = security_manager.add_user(
                user["username"],
                user["first_name"],
                "",
                f"{user['username']}@localhost",
                roles,
                password=user["password"],
            )
            if not made:  # Flask-AppBuilder says so by its return value, not an exception
                raise SystemExit(f"provision: could not add the user {user['username']}")
        else:
            found.roles = roles
            security_manager.reset_password(found.id, user["password"])


def _roles(role: str) -> list[str]:
    return ["Admin"] if role == "Admin" else ["Gamma", READER]


if __name__ == "__main__":
    main()
