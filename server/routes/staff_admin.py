"""Administration of the review desk, for the admin role only: staff accounts (create, unlock,
deactivate) and the audit trail's integrity. Every change is itself recorded in the trail."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from server.deps import AdminDep, ContainerDep
from server.staff import StaffError

router = APIRouter(prefix="/api/staff/admin", tags=["staff administration"])


class NewAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64, pattern=r"^[\w.@-]+$")
    password: str = Field(min_length=12, max_length=256)
    role: Literal["reviewer", "admin"] = "reviewer"


@router.get("/accounts")
async def accounts(admin: AdminDep, container: ContainerDep) -> list[dict[str, object]]:
    return [
        {
            "username": a.username,
            "role": a.role,
            "active": a.active,
            "locked_until": a.locked_until.isoformat() if a.locked_until else None,
            "created_at": a.created_at.isoformat(),
        }
        for a in container.staff.accounts()
    ]


@router.post("/accounts", status_code=201)
async def create_account(
    body: NewAccount, admin: AdminDep, container: ContainerDep
) -> dict[str, str]:
    try:
        await run_in_threadpool(container.staff.create, body.username, body.password, body.role)
    except StaffError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    container.audit.record(admin.username, "account_created", user=body.username, role=body.role)
    return {"username": body.username, "role": body.role}


def _account_action(container: ContainerDep, admin: AdminDep, username: str, action: str) -> None:
    try:
        getattr(container.staff, action)(username)
    except LookupError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such staff account.") from None
    container.audit.record(admin.username, f"account_{action}", user=username)


@router.post("/accounts/{username}/unlock", status_code=204)
async def unlock(username: str, admin: AdminDep, container: ContainerDep) -> None:
    _account_action(container, admin, username, "unlock")


@router.post("/accounts/{username}/deactivate", status_code=204)
async def deactivate(username: str, admin: AdminDep, container: ContainerDep) -> None:
    if username == admin.username:
        raise HTTPException(status.HTTP_409_CONFLICT, "You cannot deactivate your own account.")
    _account_action(container, admin, username, "deactivate")


@router.get("/audit/verify")
async def verify_audit(admin: AdminDep, container: ContainerDep) -> dict[str, object]:
    problems = await run_in_threadpool(container.audit.verify)
    return {"intact": not problems, "problems": problems}
