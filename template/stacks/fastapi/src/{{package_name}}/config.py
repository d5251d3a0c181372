"""Settings, read once from the environment, a local .env file and a secrets directory.

Precedence, highest first: arguments to Settings(), environment variables, .env, then secret
files (one file per setting, e.g. /run/secrets/database_url), then the defaults below.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Environment = Literal["local", "test", "staging", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

DEFAULT_SECRETS_DIR = "/run/secrets"
DEPLOYED_ENVIRONMENTS = frozenset({"staging", "production"})
MIN_SECRET_KEY_LENGTH = 32


def normalize_database_url(url: str) -> str:
    """Accepts postgres:// and postgresql:// URLs and selects the psycopg 3 driver."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("DATABASE_URL must look like postgresql://user:password@host:5432/name")
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return f"postgresql+psycopg://{rest}"
    raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, not {scheme}://")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        # A rejected value may be a secret (a mistyped DATABASE_URL holds the password): errors
        # name the setting and the rule, never the value.
        hide_input_in_errors=True,
    )

    environment: Environment = "local"
    database_url: SecretStr
    database_pool_size: int = Field(default=5, ge=1)
    database_max_overflow: int = Field(default=5, ge=0)
    database_pool_timeout: float = Field(default=5.0, gt=0)
    database_connect_timeout: int = Field(default=5, ge=1)
    readiness_timeout: float = Field(default=2.0, gt=0)
    # Signs the access tokens (JWT, HS256). Required in staging and production; locally a
    # random key per process is used when it is unset (tokens then die with the process).
    secret_key: SecretStr | None = None
    access_token_ttl: int = Field(default=900, ge=1)  # seconds: short, a refresh renews it
    refresh_token_ttl: int = Field(default=14 * 24 * 3600, ge=1)  # seconds
    # Failed logins allowed per window, per account and per client address (in-process).
    login_max_failures: int = Field(default=5, ge=1)
    login_window: int = Field(default=300, ge=1)  # seconds
    # A comma-separated list in the environment (or a JSON array); never a wildcard.
    cors_origins: Annotated[list[str], NoDecode] = []
    log_level: LogLevel = "INFO"
    # Larger request bodies answer 413 before the app reads them.
    max_request_body: int = Field(default=1024 * 1024, ge=1)

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url(cls, value: Any) -> Any:
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str):
            return normalize_database_url(value.strip())
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _explicit_origins(cls, origins: list[str]) -> list[str]:
        checked = []
        for origin in origins:
            if "*" in origin:
                raise ValueError(
                    "CORS_ORIGINS must list explicit origins such as https://app.example.com; "
                    "a wildcard is not allowed"
                )
            origin = origin.rstrip("/")
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
                raise ValueError(
                    f"{origin!r} is not an origin: use scheme://host[:port], e.g. "
                    "https://app.example.com"
                )
            checked.append(origin)
        return checked

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _deployed_needs_secret_key(self) -> Settings:
        if self.environment in DEPLOYED_ENVIRONMENTS:
            key = self.secret_key.get_secret_value() if self.secret_key else ""
            if len(key) < MIN_SECRET_KEY_LENGTH:
                raise ValueError(
                    f"SECRET_KEY must be set to {MIN_SECRET_KEY_LENGTH}+ random characters "
                    f"in {self.environment}"
                )
        return self


def secrets_dir() -> Path | None:
    """The secrets directory (SECRETS_DIR, default /run/secrets), only if it exists."""
    path = Path(os.environ.get("SECRETS_DIR") or DEFAULT_SECRETS_DIR)
    return path if path.is_dir() else None


def load_settings(**overrides: Any) -> Settings:
    """Reads the settings from the process environment; keyword arguments win."""
    return Settings(_secrets_dir=secrets_dir(), **overrides)
