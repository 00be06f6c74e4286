"""The GX Data Docs made to work with no way out of the bureau's network.

GX renders every page with scripts and styles from seven CDNs and a logo from an S3 bucket
asked with the data context's id. Served through the console, each page is rewritten: every
CDN address becomes the file vendored under `static/vendor/` (taken from the npm registry by
`static/vendor/vendor.sh`), the logo the copy GX writes beside the pages, and any other outside
address left in a `src` or `href` is dropped, so opening a page asks nothing of another host.
"""

from __future__ import annotations

import re

# CDN address (as GX 1.x writes it) → file under static/vendor/
VENDORED = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js/dist/umd/popper.min.js"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap/dist/js/bootstrap.min.js"
    ),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap/dist/css/bootstrap.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table/dist/bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table/dist/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": (
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js"
    ),
    # GX asks 1.19.0 for the extension's style sheets: 1.19.1's are the same extension's
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": (
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": (
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome-free/css/all.min.css"
    ),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": "bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
}
_GX_LOGO = re.compile(r"https://great-expectations-web-assets\.s3[^\"']*/([\w.-]+\.png)[^\"']*")
_OUTSIDE = re.compile(r"""(\s(?:src|href))=(["'])(?:https?:)?//[^"']*\2""")
_OUTSIDE_CSS = re.compile(r"""url\((["']?)(?:https?:)?//[^)]*\)""")
REWRITTEN = (".html", ".css")  # the site's files that may name another host


def offline_page(text: str, vendor: str, site: str) -> str:
    """A Data Docs page or style sheet that loads only from this host: `vendor` is where
    static/vendor/ is served, `site` where the Data Docs site's own folder is."""
    for address, local in VENDORED.items():
        text = text.replace(f'"{address}"', f'"{vendor}/{local}"')
    text = _GX_LOGO.sub(lambda m: f"{site}/static/images/{_logo(m.group(1))}", text)
    text = _OUTSIDE.sub(lambda m: f"{m.group(1)}={m.group(2)}#{m.group(2)}", text)
    return _OUTSIDE_CSS.sub("none", text)


def _logo(name: str) -> str:
    """GX's pages ask the bucket for logos it also writes beside them, but one (the dark
    one) only under a different name."""
    return "logo-long.png" if name not in {"logo-long.png", "short-logo.png"} else name
