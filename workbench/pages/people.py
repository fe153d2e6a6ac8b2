"""people: being built (issue 19)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from workbench.rendering import render
from workbench.session import User

router = APIRouter(prefix="/people")


@router.get("", response_class=HTMLResponse)
async def people_home(request: Request, user: User) -> HTMLResponse:
    """Not built yet: says so."""
    return await render(request, "placeholder.html", {"area": "people"})
