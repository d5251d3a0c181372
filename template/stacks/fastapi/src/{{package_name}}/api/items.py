"""/api/v1/items: the example resource, with create, list, get, update and delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from psycopg.errors import UniqueViolation
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import SessionDep
from ..models import Item
from ..schemas import ItemCreate, ItemPage, ItemRead, ItemUpdate

router = APIRouter(prefix="/items", tags=["items"])

NOT_FOUND = {status.HTTP_404_NOT_FOUND: {"description": "No item with this id"}}
CONFLICT = {status.HTTP_409_CONFLICT: {"description": "An item with this name exists"}}


def _get_or_404(session: Session, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"item {item_id} not found")
    return item


def _commit(session: Session) -> None:
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if isinstance(exc.orig, UniqueViolation):
            raise HTTPException(
                status.HTTP_409_CONFLICT, detail="an item with this name already exists"
            ) from exc
        raise


@router.post("", status_code=status.HTTP_201_CREATED, responses=CONFLICT)
def create_item(
    payload: ItemCreate, session: SessionDep, request: Request, response: Response
) -> ItemRead:
    item = Item(**payload.model_dump())
    session.add(item)
    _commit(session)
    response.headers["Location"] = str(request.url_for("get_item", item_id=item.id))
    return ItemRead.model_validate(item)


@router.get("")
def list_items(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ItemPage:
    rows = session.scalars(select(Item).order_by(Item.id).limit(limit).offset(offset))
    total = session.scalar(select(func.count()).select_from(Item)) or 0
    return ItemPage(
        items=[ItemRead.model_validate(row) for row in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{item_id}", responses=NOT_FOUND)
def get_item(item_id: int, session: SessionDep) -> ItemRead:
    return ItemRead.model_validate(_get_or_404(session, item_id))


@router.patch("/{item_id}", responses={**NOT_FOUND, **CONFLICT})
def update_item(item_id: int, payload: ItemUpdate, session: SessionDep) -> ItemRead:
    item = _get_or_404(session, item_id)
    for field, value in payload.model_dump(exclude_unset=True).items():
        setattr(item, field, value)
    _commit(session)
    return ItemRead.model_validate(item)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
def delete_item(item_id: int, session: SessionDep) -> None:
    session.delete(_get_or_404(session, item_id))
    session.commit()
