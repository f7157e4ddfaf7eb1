from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from server.deps import ContainerDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(container: ContainerDep) -> JSONResponse:
    """200 when the app and its database answer; Rasa's state is reported alongside."""
    try:
        with container.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except Exception:
        database = "unavailable"
    rasa = "ok" if await container.rasa.ready() else "unavailable"
    code = 200 if database == "ok" else 503
    return JSONResponse(
        {"status": "ok" if code == 200 else "degraded", "database": database, "rasa": rasa}, code
    )
