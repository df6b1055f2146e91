"""The Messaging API through line-bot-sdk's client: set up once, called with plain JSON.

The SDK's HTTP session looks up proxy variables and ``~/.netrc`` again for every request,
each in a thread of its own; the bot's session reads the proxy from the environment once,
when it starts (``HTTPS_PROXY``, ``NO_PROXY``), and never netrc (the bot authenticates with
its token). Requests go through the SDK's client — its authentication, HTTP and errors —
with the body as the JSON it already is, not rebuilt as the SDK's models.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from linebot.v3.messaging import ApiException, AsyncApiClient, Configuration

from bot.channels.kit import environment_proxy
from bot.config import Settings

__all__ = ["API_URL_VARIABLE", "TOKEN_VARIABLE", "api_client", "environment_proxy"]

TOKEN_VARIABLE = "LINE_CHANNEL_ACCESS_TOKEN"
API_URL_VARIABLE = "LINE_API_URL"
API_HOST = "https://api.line.me"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def api_client(settings: Settings) -> AsyncApiClient:
    """The SDK's client for the Messaging API (``LINE_API_URL`` for another host).

    Call it with the event loop running (its HTTP session belongs to that loop).
    """
    host = settings.environ.get(API_URL_VARIABLE, "").strip().rstrip("/") or None
    configuration = Configuration(access_token=settings.require(TOKEN_VARIABLE), host=host)
    client = AsyncApiClient(configuration)
    rest = client.rest_client
    made = rest.pool_manager
    # The same connector (the SDK's TLS settings and pool), in a session that trusts no
    # environment per request; the SDK's own session is let go without closing it.
    rest.pool_manager = aiohttp.ClientSession(connector=made.connector, trust_env=False)
    made.detach()
    if not rest.proxy:
        rest.proxy = environment_proxy(host or API_HOST)
    return client


async def post(client: AsyncApiClient, path: str, body: dict[str, Any]) -> None:
    """POST ``body`` to the API; raises the SDK's ``ApiException`` when LINE refuses it."""
    await client.call_api(
        path,
        "POST",
        header_params=dict(JSON_HEADERS),
        body=body,
        response_types_map={},
        auth_settings=["Bearer"],
        _host=API_HOST,
    )


def describe(exc: BaseException) -> str:
    """What failed, never the request (it may quote a message or a token)."""
    if isinstance(exc, ApiException):
        return f"LINE API {exc.status}"
    return type(exc).__name__
