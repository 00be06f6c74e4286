"""The Data Docs rewritten to load nothing from outside: every address GX's templates name is
either a vendored file that exists, or dropped."""

from __future__ import annotations

import re
from pathlib import Path

import great_expectations

from zhuanhua.ops.steward import offline

TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view"
VENDOR = Path(offline.__file__).parent / "static" / "vendor"
OUTSIDE = re.compile(r"""(?:\ssrc|\shref)=["'](?:https?:)?//|url\(["']?(?:https?:)?//""")


def gx_files() -> list[Path]:
    found = [*TEMPLATES.glob("templates/*.j2"), *TEMPLATES.glob("static/styles/*.css")]
    assert len(found) > 10
    return found


def test_every_script_and_style_gx_asks_of_a_cdn_is_vendored():
    asked = set()
    for path in gx_files():
        text = path.read_text("utf-8")
        asked |= set(re.findall(r'<script[^>]+src="(https?://[^"]+)"', text))
        asked |= set(re.findall(r'<link[^>]+href="(https?://[^"]+)"', text))
    assert asked and asked <= set(offline.VENDORED), asked - set(offline.VENDORED)
    for local in offline.VENDORED.values():
        assert (VENDOR / local).is_file(), local


def test_no_page_or_style_sheet_names_another_host_once_rewritten():
    for path in gx_files():
        text = offline.offline_page(path.read_text("utf-8"), "/v", "/site")
        assert not OUTSIDE.search(text), (path.name, OUTSIDE.search(text))
    page = offline.offline_page(
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/'
        'logo-long.png?d=20261202T061801Z&dataContextId=c1615535">',
        "/v",
        "/site",
    )
    assert page == '<img src="/site/static/images/logo-long.png">'  # no context id leaves
