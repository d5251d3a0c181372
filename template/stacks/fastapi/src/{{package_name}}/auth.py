"""Who is calling: the dependencies that routes declare to require a user or an admin.

A route (or a router) that needs a signed-in user declares `CurrentUser` (or
`Depends(require_user)`); one for admins only declares `AdminUser`. The bearer scheme is
declared here, so OpenAPI documents it on exactly those routes.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .config import Settings
from .db import SessionDep
from .models import User
from .security import InvalidTokenError, decode_access_token

bearer = HTTPBearer(auto_error=False, description="An access token from POST /api/v1/auth/login")

UNAUTHORIZED = {status.HTTP_401_UNAUTHORIZED: {"description": "No valid access token"}}
FORBIDDEN = {status.HTTP_403_FORBIDDEN: {"description": "The user is not an admin"}}


def signing_key(settings: Settings) -> str:
    """SECRET_KEY; Settings requires it in staging and production. Elsewhere, when unset, a
    random key (tokens then do not survive a restart): create_app calls this once."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    return secrets.token_urlsafe(32)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def require_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    if credentials is None:
        raise _unauthorized("not authenticated")
    try:
        user_id = decode_access_token(credentials.credentials, request.app.state.signing_key)
    except InvalidTokenError as exc:
        raise _unauthorized("invalid or expired access token") from exc
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise _unauthorized("invalid or expired access token")
    return user


CurrentUser = Annotated[User, Depends(require_user)]


def require_admin(user: CurrentUser) -> User:
    if not user.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="admin only")
    return user


AdminUser = Annotated[User, Depends(require_admin)]
