"""/api/v1/auth: sign in, renew, sign out, and who am I.

Login answers a wrong email and a wrong password identically (same status, body and, through a
dummy hash verification, about the same time). Failed logins are limited per account and per
client address (see ratelimit.py). Refresh tokens rotate on every use; presenting one that was
already rotated revokes its whole family, since only a thief would still hold it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..auth import UNAUTHORIZED, CurrentUser
from ..db import SessionDep
from ..models import RefreshToken, User, normalize_email
from ..ratelimit import SlidingWindowLimiter
from ..schemas import LoginRequest, RefreshRequest, TokenPair, UserRead
from ..security import (
    create_access_token,
    hash_refresh_token,
    new_refresh_token,
    verify_password,
)

router = APIRouter(prefix="/auth", tags=["auth"])

TOO_MANY = {status.HTTP_429_TOO_MANY_REQUESTS: {"description": "Too many failed logins"}}
BAD_CREDENTIALS = "invalid email or password"
BAD_REFRESH = "invalid or expired refresh token"


def _issue(request: Request, session: Session, user: User, family_id: uuid.UUID) -> TokenPair:
    settings = request.app.state.settings
    refresh = new_refresh_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=hash_refresh_token(refresh),
            expires_at=datetime.now(UTC) + timedelta(seconds=settings.refresh_token_ttl),
        )
    )
    session.commit()
    access = create_access_token(user.id, request.app.state.signing_key, settings.access_token_ttl)
    return TokenPair(
        access_token=access, refresh_token=refresh, expires_in=settings.access_token_ttl
    )


def _revoke_family(session: Session, family_id: uuid.UUID) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    session.commit()


@router.post("/login", responses={**UNAUTHORIZED, **TOO_MANY})
def login(payload: LoginRequest, request: Request, session: SessionDep) -> TokenPair:
    limiter: SlidingWindowLimiter = request.app.state.login_limiter
    email = normalize_email(payload.email)
    account_key = f"account:{email}"
    keys = (account_key, f"address:{request.client.host if request.client else '-'}")
    retry_after = limiter.retry_after(*keys)
    if retry_after:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="too many failed logins, try again later",
            headers={"Retry-After": str(retry_after)},
        )
    user = session.scalar(select(User).where(User.email == email))
    valid, new_hash = verify_password(payload.password, user.password_hash if user else None)
    if user is None or not valid or not user.is_active:
        limiter.hit(*keys)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=BAD_CREDENTIALS,
            headers={"WWW-Authenticate": "Bearer"},
        )
    limiter.reset(account_key)
    if new_hash is not None:  # hashed with older parameters: upgrade it now we know the password
        user.password_hash = new_hash
    return _issue(request, session, user, uuid.uuid4())


@router.post("/refresh", responses=UNAUTHORIZED)
def refresh(payload: RefreshRequest, request: Request, session: SessionDep) -> TokenPair:
    token = session.scalar(
        select(RefreshToken)
        .where(RefreshToken.token_hash == hash_refresh_token(payload.refresh_token))
        .with_for_update()
    )
    now = datetime.now(UTC)
    if token is not None and token.used_at is not None and token.revoked_at is None:
        # Already rotated, presented again: stolen. End every session of this login.
        _revoke_family(session, token.family_id)
        token = None
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        session.rollback()
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=BAD_REFRESH)
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        session.rollback()
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=BAD_REFRESH)
    token.used_at = now
    return _issue(request, session, user, token.family_id)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(payload: RefreshRequest, session: SessionDep) -> Response:
    """Revokes the refresh token and every token rotated from the same login. The access
    token stays valid until it expires (ACCESS_TOKEN_TTL, minutes): keep that short."""
    token = session.scalar(
        select(RefreshToken).where(
            RefreshToken.token_hash == hash_refresh_token(payload.refresh_token)
        )
    )
    if token is not None:
        _revoke_family(session, token.family_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", responses=UNAUTHORIZED)
def me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)
