"""Superset's configuration for the bureau (docs/dashboards.md), read by Superset's own venv.

Nothing here may call out of a government intranet: no telemetry, no map tiles, no web
fonts, no help links to foreign sites, and a content security policy that names this host
only (Superset's default one allows its Scarf telemetry pixel, which its built pages always
render, and map-tile hosts). The warehouse is queried as each user's own login
(`impersonate_user` on the database), so PostgreSQL's row security holds per county.
"""

import os
from pathlib import Path

_HOME = Path(os.environ["ZHUANHUA_SUPERSET_HOME"])

SECRET_KEY = (_HOME / "secret_key").read_text(encoding="utf-8").strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_HOME / 'superset.db'}"

BABEL_DEFAULT_LOCALE = "zh"
LANGUAGES = {"zh": {"flag": "cn", "name": "简体中文"}, "en": {"flag": "us", "name": "English"}}
APP_NAME = "转化 · 科技成果转化"

# Offline: no telemetry, tiles, fonts or outside links; this host only.
SCARF_ANALYTICS = False
MAPBOX_API_KEY = ""
THEME_FONT_URL_ALLOWED_DOMAINS: list[str] = []
DOCUMENTATION_URL = None
BUG_REPORT_URL = None
TALISMAN_ENABLED = True
CONTENT_SECURITY_POLICY_WARNING = False
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}

# Chart data is not cached: each query runs as its user, under that user's row security.
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
# every chart of a dashboard drawn at once, not as it scrolls into view (a leader's printout,
# a screenshot and the browser test see the whole dashboard)
# and a dashboard is shown to the roles bi/dashboards.yaml names (`roles`), no one else
FEATURE_FLAGS = {
    "DASHBOARD_NATIVE_FILTERS": True,
    "DASHBOARD_VIRTUALIZATION": False,
    "DASHBOARD_RBAC": True,
}
ROW_LIMIT = 50_000
SQLLAB_CTAS_NO_LIMIT = False
