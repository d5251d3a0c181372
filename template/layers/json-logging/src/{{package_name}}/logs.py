"""Structured logging, configured in this one place: JSON lines on stdout.

Every record carries a timestamp, level, logger and message, the id of the request it belongs
to (set by observability.py), and whatever was passed as `extra={...}`. Uvicorn's own loggers
go through the same handler, so a deployment's log collector sees one format.
"""

from __future__ import annotations

import json
import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=`. Uvicorn adds
# a terminal-coloured copy of its messages, useless in JSON.
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if entry.get("request_id") is None:
            entry.pop("request_id", None)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


_default_record_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Stamps each record with the request id when it is created, so the id survives
    handlers that format later or elsewhere (queues, test capture)."""
    record = _default_record_factory(*args, **kwargs)
    record.request_id = request_id_var.get()
    return record


def configure_logging(level: str = "INFO", stream: str = "ext://sys.stdout") -> None:
    logging.setLogRecordFactory(_record_with_request_id)
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": JsonFormatter}},
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "formatter": "json",
                    "stream": stream,
                }
            },
            "root": {"level": level, "handlers": ["stdout"]},
            "loggers": {
                # Let uvicorn's loggers reach the root handler instead of their own.
                "uvicorn": {"handlers": [], "propagate": True},
                "uvicorn.error": {"handlers": [], "propagate": True},
                "uvicorn.access": {"handlers": [], "propagate": True},
                # SQL statements only when asked for explicitly.
                "sqlalchemy.engine": {"level": "WARNING"},
            },
        }
    )
