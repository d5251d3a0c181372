"""The public API, versioned: everything under /api/v1. A v2 can grow beside it."""

from fastapi import APIRouter

from . import items

router = APIRouter(prefix="/api/v1")
router.include_router(items.router)
