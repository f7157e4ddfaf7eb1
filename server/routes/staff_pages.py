"""The staff review desk pages at /staff."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["staff pages"], include_in_schema=False)
