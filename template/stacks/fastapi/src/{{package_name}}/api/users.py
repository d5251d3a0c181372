"""/api/v1/users: an admin-only example route; copy its dependency for your own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from ..auth import FORBIDDEN, UNAUTHORIZED, require_admin
from ..db import SessionDep
from ..models import User
from ..schemas import UserRead

# Every route of this router is for admins only.
router = APIRouter(
    prefix="/users",
    tags=["users"],
    dependencies=[Depends(require_admin)],
    responses={**UNAUTHORIZED, **FORBIDDEN},
)


@router.get("")
def list_users(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[UserRead]:
    rows = session.scalars(select(User).order_by(User.id).limit(limit).offset(offset))
    return [UserRead.model_validate(row) for row in rows]
