"""Receivers on 127.0.0.1 that keep what the alert channels send, for the tests to read: an
HTTP endpoint (the webhook and Apprise's json:// service post there) and a small SMTP server.
Each gives the Airflow connection (JSON form, for an AIRFLOW_CONN_* variable) that points at it.
"""

from __future__ import annotations

import json
import socketserver
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class AlertInbox:
    def __init__(self) -> None:
        self.received: list[dict] = []
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                inbox.received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def webhook_connection(self) -> str:
        """An HTTP connection whose host is the whole URL (the Http provider's form)."""
        return json.dumps({"conn_type": "http", "host": f"http://127.0.0.1:{self.port}/alerts"})

    @property
    def apprise_connection(self) -> str:
        """An Apprise connection to its `json://` service, which posts here."""
        config = {"path": f"json://127.0.0.1:{self.port}/robot"}
        return json.dumps({"conn_type": "apprise", "extra": {"config": config}})

    def close(self) -> None:
        self.server.shutdown()


class MailInbox:
    """Enough of SMTP (RFC 5321) for one client: every message's parsed e-mail is kept."""

    def __init__(self) -> None:
        self.messages = []
        inbox = self

        class Session(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self._say("220 inbox")
                while line := self.rfile.readline():
                    verb = line[:4].upper()
                    if verb == b"DATA":
                        self._say("354 go on")
                        body = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            body += chunk
                        inbox.messages.append(message_from_bytes(body, policy=policy.default))
                        self._say("250 kept")
                    elif verb == b"QUIT":
                        self._say("221 bye")
                        return
                    else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                        self._say("250 ok")

            def _say(self, text: str) -> None:
                self.wfile.write(f"{text}\r\n".encode())

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def connection(self) -> str:
        port = self.server.server_address[1]
        extra = {"disable_ssl": True, "disable_tls": True}
        return json.dumps({"conn_type": "smtp", "host": "127.0.0.1", "port": port, "extra": extra})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
