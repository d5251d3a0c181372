"""The application factory. Run it with `uvicorn --factory <package>.main:create_app`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.orm import sessionmaker

from . import SERVICE_DESCRIPTION, SERVICE_NAME, __version__, api, ops
from .config import Settings, load_settings
from .db import create_db_engine
from .logs import configure_logging
from .observability import ObservabilityMiddleware

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    configure_logging(settings.log_level)
    engine = create_db_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        logger.info("starting", extra={"environment": settings.environment})
        yield
        engine.dispose()
        logger.info("stopped")

    app = FastAPI(
        title=SERVICE_NAME,
        description=SERVICE_DESCRIPTION,
        version=__version__,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = sessionmaker(engine)

    if settings.cors_origins:
        # Explicit origins from CORS_ORIGINS only; Settings refuses a wildcard.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["Location", "X-Request-ID"],
            max_age=600,
        )
    # Added last, so it is the outermost middleware and sees every response.
    app.add_middleware(ObservabilityMiddleware)

    app.include_router(ops.router)
    app.include_router(api.router)
    return app
