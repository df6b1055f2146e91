"""Jinja2 for the dashboard: autoescaped, strict about missing values, with a few filters."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from bot.review.states import ACTION_LABELS, STATE_LABELS, Action, State
from bot.web.deps import can

JST = zoneinfo.ZoneInfo("Asia/Tokyo")


def _jst(moment: datetime | None) -> str:
    """A stored time as Japan time, e.g. 2026-11-22 12:00."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(JST).strftime("%Y-%m-%d %H:%M")


def _state(value: str) -> str:
    return STATE_LABELS[State(value)].ja


def _state_en(value: str) -> str:
    return STATE_LABELS[State(value)].en


_ROLE_LABELS = {
    "counselor": "キャリアコンサルタント",
    "facilitator": "ファシリテーター",
    "admin": "管理者",
}


def _role(value: str) -> str:
    return _ROLE_LABELS.get(value, value)


def _action(value: str) -> str:
    return ACTION_LABELS[Action(value)].ja


def make_templates() -> Jinja2Templates:
    """The dashboard's templates; every value is escaped, a missing one is an error."""
    environment = Environment(
        loader=PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        auto_reload=False,  # compiled once per process: no file checks on each page
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        jst=_jst, state=_state, state_en=_state_en, action=_action, role=_role
    )
    environment.globals.update(can=can)
    return Jinja2Templates(env=environment)


def page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render template ``name``; ``login`` (or None) is always available to the layout."""
    templates: Jinja2Templates = request.app.state.templates
    context.setdefault("login", None)
    context.setdefault("csrf", "")
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    assert isinstance(response, HTMLResponse)
    return response
