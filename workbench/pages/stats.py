"""stats: a placeholder page until its screens are built (another helper's area, issue 19)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from workbench.rendering import render
from workbench.session import User

router = APIRouter(prefix="/stats")


@router.get("", response_class=HTMLResponse)
async def stats_home(request: Request, user: User) -> HTMLResponse:
    """Not built yet: says so."""
    return await render(request, "placeholder.html", {"area": "stats"})
