"""Operational endpoints, outside the admin UI: liveness and readiness."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from .db import ping

logger = logging.getLogger(__name__)

router = APIRouter(tags=["ops"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    checks: dict[str, str]


@router.get("/healthz")
def healthz() -> Health:
    """Liveness: the process serves requests. Touches no dependency."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A dependency is unavailable"}},
)
def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers SELECT 1 within READINESS_TIMEOUT, else 503."""
    settings = request.app.state.settings
    try:
        ping(request.app.state.engine, settings.readiness_timeout)
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - whatever the failure, the answer is "not ready"
        logger.warning(
            "readiness check failed", extra={"dependency": "database", "error": repr(exc)}
        )
        database = f"unavailable ({type(exc).__name__})"
    ready = database == "ok"
    body = Readiness(status="ok" if ready else "unavailable", checks={"database": database})
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
