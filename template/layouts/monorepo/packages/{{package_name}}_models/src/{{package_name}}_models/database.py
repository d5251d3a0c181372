"""Where the database is, for code that runs without a service's settings (Alembic).

DATABASE_URL from the environment, else the file `database_url` in the secrets directory
(SECRETS_DIR, default /run/secrets), the same names and precedence as the services' settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_SECRETS_DIR = "/run/secrets"


def normalize_database_url(url: str) -> str:
    """Accepts postgres:// and postgresql:// URLs and selects the psycopg 3 driver."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("DATABASE_URL must look like postgresql://user:password@host:5432/name")
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return f"postgresql+psycopg://{rest}"
    raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, not {scheme}://")


def database_url_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The database URL from DATABASE_URL or the secrets directory; raises if neither has one."""
    environ = os.environ if environ is None else environ
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        secret = Path(environ.get("SECRETS_DIR") or DEFAULT_SECRETS_DIR) / "database_url"
        if secret.is_file():
            url = secret.read_text(encoding="utf-8").strip()
    if not url:
        raise RuntimeError(
            "DATABASE_URL is not set (nor a database_url file in the secrets directory)"
        )
    return normalize_database_url(url)
