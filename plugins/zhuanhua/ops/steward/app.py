"""The console's pages and actions (FastAPI, server-rendered, no script of its own).

Every page asks Airflow who the user is (its JWT cookie, as Airflow's own UI does) and whether
Airflow lets them see custom views; decisions need the steward's role (`viewer.py`) and a form
posted from this host. Pages and actions call the same functions as `zhuanhua quarantine`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode, urlsplit

import psycopg
from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from zhuanhua.domain.feeds import FEED_LABELS, FEEDS
from zhuanhua.errors import NotHeld, ZhuanhuaError
from zhuanhua.load.connection import connect
from zhuanhua.load.decisions import recent
from zhuanhua.ops.connections import with_warehouse_connection
from zhuanhua.ops.steward import datadocs
from zhuanhua.ops.steward.offline import REWRITTEN, offline_page
from zhuanhua.ops.steward.viewer import Viewer, shown_decisions, shown_row, viewer_of
from zhuanhua.settings import Settings, load_settings

HERE = Path(__file__).parent
PAGE_SIZE = 100
RESOURCE = "数据管理员控制台"  # the custom view's name in Airflow's authorisation
STATUS_LABELS = {
    "held": "待处理",
    "released": "已放行",
    "waived": "已豁免",
    "superseded": "已被替代",
}
ACTION_LABELS = {
    "release": "重新检查",
    "waive": "豁免",
    "release_file": "放行整份文件",
    "reject_file": "退回整份文件",
}
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals |= {
    "FEED_LABELS": FEED_LABELS,
    "STATUS_LABELS": STATUS_LABELS,
    "ACTION_LABELS": ACTION_LABELS,
}


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(title="Zhuanhua steward console", docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_exception_handler(HTTPException, _login_or_refuse)
    app.add_exception_handler(NotHeld, _not_found)
    _pages(app)
    _actions(app)
    return app


def _settings(request: Request) -> Settings:
    app = request.app
    if app.state.settings is None:  # read in the API server's process, at the first request
        app.state.settings = with_warehouse_connection(load_settings())
    return app.state.settings


async def _viewer(request: Request) -> Viewer:
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.core_api.security import get_user

    user = await get_user(request, None, None)
    if not get_auth_manager().is_authorized_custom_view(
        method="GET", resource_name=RESOURCE, user=user
    ):
        raise HTTPException(403, "Airflow does not let this user see the steward console")
    return viewer_of(user, _settings(request))


def _steward(request: Request, viewer: Annotated[Viewer, Depends(_viewer)]) -> Viewer:
    """Decisions: the steward's role, and a form posted from a page of this host."""
    if not viewer.steward:
        raise HTTPException(403, "only the data steward decides on held rows")
    origin = request.headers.get("origin") or request.headers.get("referer") or ""
    if urlsplit(origin).netloc != request.url.netloc:
        raise HTTPException(403, "a decision must be posted from the console's own page")
    return viewer


Looking = Annotated[Viewer, Depends(_viewer)]  # any user Airflow lets see the console
Deciding = Annotated[Viewer, Depends(_steward)]  # the steward, on a form of this host
FormText = Annotated[str, Form()]


async def _login_or_refuse(request: Request, error: HTTPException):
    if error.status_code == 401:
        from airflow.api_fastapi.app import get_auth_manager

        return RedirectResponse(get_auth_manager().get_url_login(next_url=str(request.url)))
    return HTMLResponse(
        templates.get_template("refused.html").render(message=error.detail, base=_base(request)),
        status_code=error.status_code,
    )


async def _not_found(request: Request, error: NotHeld):
    return await _login_or_refuse(request, HTTPException(404, str(error)))


def _base(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


@contextmanager
def _warehouse(request: Request) -> Iterator[psycopg.Connection]:
    with connect(_settings(request)) as conn:
        yield conn


def _render(request: Request, name: str, viewer: Viewer, **values) -> HTMLResponse:
    values |= {
        "viewer": viewer,
        "base": _base(request),
        "notice": request.query_params.get("notice"),
        "error": request.query_params.get("error"),
    }
    return templates.TemplateResponse(request, name, values)


def _filter(
    status: str | None,
    feed: str | None,
    night: str | None,
    rule: str | None,
    up_to: int | None = None,
):
    """The queue's filter from the page's fields; a feed or date it does not know is refused
    (a bulk action must never act on more than the steward asked for)."""
    from zhuanhua.load.quarantine import HeldFilter

    if feed and feed not in FEEDS:
        raise HTTPException(400, f"no feed {feed!r}")
    if status and status not in STATUS_LABELS:
        raise HTTPException(400, f"no status {status!r}")
    try:
        day = date.fromisoformat(night) if night else None
    except ValueError:
        raise HTTPException(400, f"not a date: {night!r}") from None
    return HeldFilter(status or None, feed or None, day, rule or None, up_to)


def _pages(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse)
    def queue(
        request: Request,
        viewer: Looking,
        status: str | None = "held",
        feed: str | None = None,
        night: str | None = None,
        rule: str | None = None,
        page: int = 1,
    ):
        from zhuanhua.load import quarantine

        where = _filter(status, feed, night, rule)
        with _warehouse(request) as conn:
            found = quarantine.counts(conn, where)
            rows = quarantine.list_rows(
                conn, where=where, limit=PAGE_SIZE, offset=(max(page, 1) - 1) * PAGE_SIZE
            )
            held_files = _held_files(conn)
            held_ids = quarantine.matching_ids(conn, where) if viewer.steward else []
        total = sum(found["status"].values())
        return _render(
            request,
            "queue.html",
            viewer,
            where=where,
            counts=found,
            total=total,
            rows=[shown_row(r, viewer) for r in rows],
            page=max(page, 1),
            pages=max(1, -(-total // PAGE_SIZE)),
            held_files=len(held_files),
            bulk_up_to=held_ids[-1] if held_ids else None,
            bulk_count=len(held_ids),
            query=lambda **changes: _query(where, changes),
        )

    @app.get("/rows/{held_id}", response_class=HTMLResponse)
    def row(request: Request, held_id: int, viewer: Looking):
        from zhuanhua.load import quarantine

        with _warehouse(request) as conn:
            found = quarantine.show(conn, held_id)
            ledger = _ledger(conn, found["batch_id"])
            decisions = shown_decisions(recent(conn, held_id=held_id), viewer)
        return _render(
            request,
            "row.html",
            viewer,
            row=shown_row(found, viewer),
            ledger=ledger,
            decisions=decisions,
            docs=_docs_page(request, ledger),
        )

    @app.get("/files", response_class=HTMLResponse)
    def files(request: Request, viewer: Looking):
        with _warehouse(request) as conn:
            held = _held_files(conn)
        return _render(request, "files.html", viewer, files=held)

    @app.get("/ledger/{batch_id}", response_class=HTMLResponse)
    def ledger(request: Request, batch_id: int, viewer: Looking):
        with _warehouse(request) as conn:
            entry = _ledger(conn, batch_id)
            decisions = shown_decisions(recent(conn, batch_id=batch_id), viewer)
        return _render(
            request,
            "ledger.html",
            viewer,
            entry=entry,
            decisions=decisions,
            docs=_docs_page(request, entry),
        )

    @app.get("/decisions", response_class=HTMLResponse)
    def decisions(request: Request, viewer: Looking):
        with _warehouse(request) as conn:
            found = shown_decisions(recent(conn, limit=500), viewer)
        return _render(request, "decisions.html", viewer, decisions=found)

    @app.get("/data-docs/{path:path}")
    def data_docs(request: Request, path: str, viewer: Looking):
        gx_state = _settings(request).gx_state
        target = datadocs.site_file(gx_state, path)
        if target is None:
            raise HTTPException(404, f"no Data Docs page {path!r} (rendered after each night)")
        if target.suffix not in REWRITTEN:
            return FileResponse(target)
        base = _base(request)
        text = offline_page(
            target.read_text("utf-8"), vendor=f"{base}/static/vendor", site=f"{base}/data-docs"
        )
        return Response(text, media_type="text/css" if target.suffix == ".css" else "text/html")


def _actions(app: FastAPI) -> None:
    @app.post("/rows/{held_id}/release")
    def release(request: Request, held_id: int, viewer: Deciding):
        from zhuanhua.load import quarantine

        return _decide(
            request,
            f"/rows/{held_id}",
            lambda conn: _outcome_notice(
                quarantine.release(conn, [held_id], _settings(request), viewer.actor)
            ),
        )

    @app.post("/rows/{held_id}/waive")
    def waive(
        request: Request,
        viewer: Deciding,
        held_id: int,
        reason: FormText = "",
    ):
        from zhuanhua.load import quarantine

        return _decide(
            request,
            f"/rows/{held_id}",
            lambda conn: _outcome_notice(
                quarantine.waive(conn, [held_id], reason, _settings(request), viewer.actor)
            ),
        )

    @app.post("/bulk")
    def bulk(
        request: Request,
        viewer: Deciding,
        action: FormText,
        reason: FormText = "",
        feed: FormText = "",
        night: FormText = "",
        rule: FormText = "",
        up_to: FormText = "",
    ):
        from zhuanhua.load import quarantine

        where = _filter("held", feed, night, rule, int(up_to) if up_to.isdigit() else None)
        if where.up_to is None:
            raise HTTPException(400, "a bulk action names the last row it was shown (up_to)")

        def decide(conn):
            ids = quarantine.matching_ids(conn, where)
            if not ids:
                return "没有待处理的记录"
            if action == "waive":
                return _outcome_notice(
                    quarantine.waive(conn, ids, reason, _settings(request), viewer.actor)
                )
            return _outcome_notice(quarantine.release(conn, ids, _settings(request), viewer.actor))

        return _decide(request, "/?" + urlencode(_query(where, {"status": "held"})), decide)

    @app.post("/files/{batch_id}/release")
    def release_file(request: Request, batch_id: int, viewer: Deciding):
        from zhuanhua.load import loader

        def decide(conn):
            done = loader.release_held_file(conn, batch_id, _settings(request), viewer.actor)
            return (
                f"{done.file_name}：已放行，{done.rows_loaded} 行入库，"
                f"{done.rows_quarantined} 行隔离"
            )

        return _decide(request, "/files", decide)

    @app.post("/files/{batch_id}/reject")
    def reject_file(
        request: Request,
        viewer: Deciding,
        batch_id: int,
        reason: FormText = "",
    ):
        from zhuanhua.load import loader

        def decide(conn):
            loader.reject_held_file(conn, batch_id, reason, viewer.actor)
            return f"批次 {batch_id}：已退回，请报送方更正后重报"

        return _decide(request, "/files", decide)


def _decide(request: Request, target: str, decide) -> RedirectResponse:
    """Run a decision; back to the page with what happened, or why nothing did."""
    try:
        with _warehouse(request) as conn:
            message = {"notice": decide(conn)}
    except ZhuanhuaError as refused:
        message = {"error": str(refused)}
    separator = "&" if "?" in target else "?"
    return RedirectResponse(
        f"{_base(request)}{target}{separator}{urlencode(message)}", status_code=303
    )


def _outcome_notice(outcomes) -> str:
    passed = sum(o.passed for o in outcomes)
    still = [o for o in outcomes if not o.passed]
    return f"已处理 {len(outcomes)} 条：{passed} 条通过检查" + (
        f"，{len(still)} 条未通过" if still else ""
    )


def _query(where, changes: dict) -> dict:
    values = {
        "status": where.status or "",
        "feed": where.feed or "",
        "night": where.night.isoformat() if where.night else "",
        "rule": where.rule or "",
    } | {k: v if v is not None else "" for k, v in changes.items()}
    return {k: v for k, v in values.items() if v != "" or k == "status"}


def _held_files(conn: psycopg.Connection) -> list[dict]:
    from zhuanhua.load.loader import HELD_FILE_FIELDS, held_files

    return [dict(zip(HELD_FILE_FIELDS, row, strict=True)) for row in held_files(conn)]


def _ledger(conn: psycopg.Connection, batch_id: int) -> dict:
    from psycopg.rows import dict_row

    entry = (
        conn.cursor(row_factory=dict_row)
        .execute(
            """select batch_id, feed, file_name, file_url, business_date, status, size_bytes,
                      sha256, encoding, rows_received, rows_loaded, rows_quarantined, rows_held,
                      rows_warned, extra_columns, batch_warnings, error, superseded_by,
                      started_at, finished_at
               from raw.batch_ledger where batch_id = %s""",
            (batch_id,),
        )
        .fetchone()
    )
    if entry is None:
        raise HTTPException(404, f"no file with batch id {batch_id} in the ledger")
    return entry


def _docs_page(request: Request, ledger: dict) -> str:
    """The console's address of the file's validation in the Data Docs (else their index)."""
    page = datadocs.validation_page(
        _settings(request).gx_state, ledger["feed"], ledger["started_at"], ledger["finished_at"]
    )
    return f"{_base(request)}/data-docs/{page or 'index.html'}"
