"""Request ids, access logs and Prometheus metrics for every HTTP request.

A pure ASGI middleware (no BaseHTTPMiddleware): it reads or creates the X-Request-ID, makes it
available to every log record of the request, echoes it in the response, logs one access line
and records the request in `http_requests_total` / `http_request_duration_seconds`, labelled
by route template (`/api/v1/items/{item_id}`), never by raw path, to keep cardinality bounded.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .logs import request_id_var

logger = logging.getLogger("access")

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests handled, by method, route template and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to handle an HTTP request, by method and route template.",
    ["method", "route"],
)

# Probes and scrapes are frequent and uninteresting: log them at DEBUG only.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# On every response (a route may set its own). No Content-Security-Policy beyond framing: the
# API serves JSON, and /docs loads its scripts from a CDN.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _VALID_REQUEST_ID.match(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The matched route's path template, e.g. /api/v1/items/{item_id}; "unmatched" if none.

    The router leaves the route in the scope. A route of an included router knows only its own
    part of the path, so the (literal) prefix in front of it is taken from the request path.
    """
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not template:
        return "unmatched"
    regex = getattr(route, "path_regex", None)
    path = scope.get("path", "")
    root_path = scope.get("root_path", "")
    if root_path and path.startswith(root_path):
        path = path[len(root_path) :]
    if regex is not None and not regex.match(path):
        for cut in range(1, len(path)):
            if path[cut] == "/" and regex.match(path[cut:]):
                return path[:cut] + template
    return template


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = request_id_var.set(request_id)
        status = 500
        start = time.perf_counter()
        recorded = False

        def record() -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            elapsed = time.perf_counter() - start
            route, method, path = route_template(scope), scope["method"], scope["path"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            logger.log(
                logging.DEBUG if path in QUIET_PATHS else logging.INFO,
                "%s %s %s",
                method,
                path,
                status,
                extra={
                    "method": method,
                    "path": path,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers.append("X-Request-ID", request_id)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # Record before the last chunk leaves: once the client has the whole response,
                # its log line and metrics exist.
                record()
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            record()  # no-op unless the app failed before finishing its response
            request_id_var.reset(token)


def metrics(_request: Request) -> Response:
    """The Prometheus text exposition of this process's metrics."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
