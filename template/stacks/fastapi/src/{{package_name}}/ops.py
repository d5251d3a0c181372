"""Operational endpoints, outside the versioned API: liveness, readiness, metrics."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from .db import ping
from .observability import metrics

logger = logging.getLogger(__name__)

router = APIRouter(tags=["ops"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    checks: dict[str, str]


@router.get("/healthz")
def healthz() -> Health:
    """Liveness: the process serves requests. Touches no dependency, so a database outage
    never makes Kubernetes restart healthy pods."""
    return Health(status="ok")


@router.head("/healthz", include_in_schema=False)
def healthz_head() -> Response:
    """Liveness for probes and load balancers that send HEAD."""
    return Response(status_code=200)


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A dependency is unavailable"}},
)
def readyz(request: Request) -> JSONResponse:
    """Readiness: every dependency answers (SELECT 1 on the database, with a short timeout).
    503 takes the pod out of the load balancer until they do."""
    checks = {"database": _check_database(request)}
    ready = all(result == "ok" for result in checks.values())
    body = Readiness(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


def _check_database(request: Request) -> str:
    settings = request.app.state.settings
    try:
        ping(request.app.state.engine, settings.readiness_timeout)
    except Exception as exc:  # noqa: BLE001 - whatever the failure, the answer is "not ready"
        logger.warning(
            "readiness check failed", extra={"dependency": "database", "error": repr(exc)}
        )
        return f"unavailable ({type(exc).__name__})"
    return "ok"


router.add_api_route("/metrics", metrics, include_in_schema=False)
