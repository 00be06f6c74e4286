"""`make docs`: dbt's docs page served on 127.0.0.1 (a plain static server, nothing else)."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DEFAULT_PORT = 8081


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # one line per request is noise here
        pass


def server(folder: Path, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """A server of `folder` on 127.0.0.1 (call `serve_forever`); port 0 takes a free one."""
    handler = functools.partial(_Quiet, directory=str(folder))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)
