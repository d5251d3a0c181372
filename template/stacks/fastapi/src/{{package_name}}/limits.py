"""Bounds on what a client can make the service hold or send back.

- Request bodies larger than MAX_REQUEST_BODY answer 413 before the app reads them (by
  Content-Length, and by counting the bytes of a chunked body as they arrive).
- Validation errors (422) carry at most a short excerpt of the input they reject, never the
  input itself: an invalid 1 MB body must not come back as a 1 MB error.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EXCERPT_LENGTH = 80


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                await self._too_large(scope, receive, send)
                return
        received = 0
        rejected = False

        async def limited_receive() -> Message:
            nonlocal received, rejected
            message = await receive()
            if message["type"] == "http.request" and not rejected:
                received += len(message.get("body", b""))
                if received > self.max_body:
                    # Answer now, and tell the app the client is gone: whatever it does with
                    # that (FastAPI answers 400) is not sent.
                    rejected = True
                    await self._too_large(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not rejected:
                await send(message)

        await self.app(scope, limited_receive, guarded_send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"detail": f"request body larger than {self.max_body} bytes"}, status_code=413
        )
        await response(scope, receive, send)


def _excerpt(value: Any) -> Any:
    text = value if isinstance(value, str) else json.dumps(value)
    if len(text) <= EXCERPT_LENGTH:
        return value
    return text[:EXCERPT_LENGTH] + "..."


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 body, with each rejected input cut to a short excerpt."""
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this type only
    errors = jsonable_encoder(exc.errors())
    for error in errors:
        if "input" in error:
            error["input"] = _excerpt(error["input"])
    return JSONResponse({"detail": errors}, status_code=422)
