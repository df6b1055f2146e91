"""What every webhook channel serves the same way: its one POST route, ``GET /healthz``, and a
uvicorn server whose stopping the channel decides."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

Receive = Callable[[Request], Awaitable[Response]]


async def _health(_request: Request) -> Response:
    return PlainTextResponse("ok")


def webhook_routes(path: str, receive: Receive) -> Starlette:
    """An app that takes the platform's POSTs on ``path`` and answers ``GET /healthz``."""
    return Starlette(
        routes=[
            Route(path, receive, methods=["POST"]),
            Route("/healthz", _health, methods=["GET"]),
        ]
    )


class QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the caller's stop event decides."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Leave SIGINT/SIGTERM to the channel, which stops its other work too."""
        yield
