"""`zhuanhua bi up|down` and `zhuanhua docs`: what people read (`make bi`, `make docs`).

docs/dashboards.md tells the rest."""

from __future__ import annotations

from zhuanhua.build.dbt import docs_site, generate_docs
from zhuanhua.cli.common import demo_if_empty
from zhuanhua.load.connection import connect
from zhuanhua.load.embedded import EmbeddedServer
from zhuanhua.ops import docs_site as docs_server
from zhuanhua.ops import superset
from zhuanhua.settings import Settings


def add_commands(verbs) -> None:
    bi = verbs.add_parser("bi", help="Superset's dashboards over the marts (make bi, make stop)")
    bi.add_argument("action", choices=["up", "down"])
    bi.add_argument("--port", type=int, default=superset.DEFAULT_PORT)
    bi.set_defaults(handler=run_bi)

    docs = verbs.add_parser("docs", help="dbt's docs of the warehouse, served on 127.0.0.1")
    docs.add_argument("--port", type=int, default=docs_server.DEFAULT_PORT)
    docs.add_argument(
        "--no-generate", action="store_true", help="serve the page the last build generated"
    )
    docs.set_defaults(handler=run_docs)


def run_docs(args, settings: Settings) -> int:
    if not args.no_generate or not (docs_site(settings) / "index.html").exists():
        if not settings.warehouse_url:
            EmbeddedServer(settings.home).start()
        generate_docs(settings)
    server = docs_server.server(docs_site(settings), args.port)
    print(f"dbt docs: http://127.0.0.1:{server.server_port}/  (Ctrl-C ends it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def run_bi(args, settings: Settings) -> int:
    if args.action == "down":
        print("Superset stopped" if superset.stop(settings) else "Superset was not running")
        return 0
    if not settings.warehouse_url:
        EmbeddedServer(settings.home).start()
    if demo_if_empty(settings):
        return 1
    with connect(settings) as conn:
        superset.set_up(settings, conn)
    address = superset.start(settings, args.port)
    made = superset.passwords(settings)
    print(f"Superset: {address}/dashboard/list/")
    for login in superset.LOGINS:
        print(f"  login {login.username} / {made[login.username]}  ({login.first_name})")
    print("`make stop` (or `zhuanhua bi down`) ends it.")
    return 0
