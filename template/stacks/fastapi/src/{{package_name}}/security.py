"""Passwords, access tokens and refresh tokens: the cryptography, in one place.

- Passwords: Argon2id through pwdlib; a hash made with older parameters is replaced on the
  next successful login (`verify_password` returns the new hash).
- Access tokens: short-lived JWTs (PyJWT, HS256, signed with SECRET_KEY) naming the user.
- Refresh tokens: random strings; only their SHA-256 is stored, so a database leak does not
  leak sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash

ALGORITHM = "HS256"
ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a password

_password_hash = PasswordHash.recommended()
# Verified when the email is unknown, so a wrong email costs the same time as a wrong password.
_DUMMY_HASH = _password_hash.hash(secrets.token_urlsafe(16))


class InvalidTokenError(Exception):
    """The access token is missing, malformed, expired or not signed by us."""


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(valid, new hash or None). With no hash (unknown user) it still spends the time of a
    verification and answers False."""
    if password_hash is None:
        _password_hash.verify(password, _DUMMY_HASH)
        return False, None
    return _password_hash.verify_and_update(password, password_hash)


def create_access_token(user_id: int, key: str, ttl: int, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "type": ACCESS_TOKEN_TYPE,
        "iat": now,
        "exp": now + timedelta(seconds=ttl),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def decode_access_token(token: str, key: str) -> int:
    """The user id of a valid access token; raises InvalidTokenError otherwise."""
    try:
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "type"]}
        )
    except jwt.PyJWTError as exc:
        raise InvalidTokenError(str(exc)) from exc
    if claims["type"] != ACCESS_TOKEN_TYPE or not str(claims["sub"]).isdigit():
        raise InvalidTokenError("not an access token")
    return int(claims["sub"])


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
