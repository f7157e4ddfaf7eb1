"""Dependencies of the route handlers, as ``Annotated`` aliases."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from server.container import Container
from server.staff import StaffIdentity


def get_container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


ContainerDep = Annotated[Container, Depends(get_container)]


STAFF_COOKIE = "minwon_staff"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def require_staff(request: Request, container: ContainerDep) -> StaffIdentity:
    """The signed-in staff member (401 if none); state-changing requests also need the
    session's CSRF token in the X-CSRF-Token header (403)."""
    token = request.cookies.get(STAFF_COOKIE)
    identity = container.staff.identity(token) if token else None
    if identity is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Sign in first.")
    if request.method not in _SAFE_METHODS and not hmac.compare_digest(
        # bytes: a header may hold any latin-1 text, and comparing non-ASCII str raises
        request.headers.get("x-csrf-token", "").encode("latin-1", "replace"),
        identity.csrf_token.encode(),
    ):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Missing or wrong CSRF token.")
    return identity


StaffDep = Annotated[StaffIdentity, Depends(require_staff)]


def require_admin(staff: StaffDep) -> StaffIdentity:
    if staff.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Administrators only.")
    return staff


AdminDep = Annotated[StaffIdentity, Depends(require_admin)]
