"""The senior-friendly touch kiosk at /kiosk."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["kiosk"], include_in_schema=False)
