"""A JSON REST API used as a person's client: a bearer token from the login, then JSON calls."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field


@dataclass
class JsonApi:
    base_url: str
    username: str
    password: str
    _token: str = field(default="", repr=False)
    prefix = ""  # the API's path under base_url (/api/v2, /api/v1)

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        if not self._token:
            self._token = self._login()
        request = urllib.request.Request(
            f"{self.base_url}{self.prefix}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response) if response.status != 204 else {}

    def _post_for_token(self, path: str, body: dict) -> str:
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            method="POST",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)["access_token"]

    def _login(self) -> str:
        raise NotImplementedError
