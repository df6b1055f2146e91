"""The counselor dashboard: a server-rendered web app (Starlette, Jinja2, no build step)."""

from bot.web.app import create_app

__all__ = ["create_app"]
