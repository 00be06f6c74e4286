"""Headless Chromium (Debian's, driven by Playwright) that lets no request leave this host.

Every request the page makes goes through a route: one to 127.0.0.1 (or a data:/blob: URL)
goes on, any other is refused and recorded, so a test can fail on it. A request the page's
content security policy blocks never reaches the network, nor this route.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# without these, Chromium calls Google's hosts at every start (docs/dashboards.md)
_QUIET = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL = ("http://127.0.0.1:", "data:", "blob:")


@dataclass
class Browser:
    page: object
    outside: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@contextlib.contextmanager
def local_browser(width: int = 1600, height: int = 1200) -> Iterator[Browser]:
    """A page in a fresh profile, zh-CN, that records (and refuses) any outside request."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("no Chromium: `apt-get install chromium` (.ci/run installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=_QUIET)
        try:
            context = chromium.new_context(
                viewport={"width": width, "height": height}, locale="zh-CN"
            )
            browser = Browser(page=None)

            def route(request_route) -> None:
                address = request_route.request.url
                if address.startswith(LOCAL):
                    request_route.continue_()
                else:
                    browser.outside.append(address)
                    request_route.abort()

            context.route("**/*", route)
            browser.page = context.new_page()
            browser.page.on(
                "console",
                lambda message: (
                    message.type == "error" and browser.console_errors.append(message.text)
                ),
            )
            yield browser
        finally:
            chromium.close()
