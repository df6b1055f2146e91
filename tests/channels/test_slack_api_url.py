"""SLACK_API_URL, and telling an unreachable Slack from a rejected token."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bootstrap import Runtime
from bot.channels import slack_server
from bot.config import Settings
from tests.channels.mock_slack_api import MockSlackApi


@pytest.fixture
def api() -> Iterator[MockSlackApi]:
    server = MockSlackApi()
    yield server
    server.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _with_env(runtime: Runtime, **environ: str) -> Runtime:
    settings = Settings(runtime.settings.database_url, environ=environ)
    return dataclasses.replace(runtime, settings=settings)


async def test_slack_api_url_is_used(
    runtime: Runtime, api: MockSlackApi, capsys: pytest.CaptureFixture[str]
) -> None:
    configured = _with_env(
        runtime,
        SLACK_BOT_TOKEN="xoxp-not-a-bot-token",
        SLACK_APP_TOKEN="xapp-1",
        SLACK_API_URL=api.url.rstrip("/"),  # with or without the last slash
    )
    args = Namespace(http=False, listen="127.0.0.1", port=0)
    assert await slack_server.serve(configured, args, None) == 1
    assert api.attempts("auth.test")  # asked the configured server, not slack.com
    error = capsys.readouterr().err
    assert error == "jobcard: Slack did not accept SLACK_BOT_TOKEN (SlackApiError invalid_auth)\n"


def test_an_unreachable_slack_is_not_blamed_on_the_token(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api/"
    env = {
        **os.environ,
        "JOBCARD_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "slack", "--http", "--port", str(_closed_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "did not accept" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"jobcard: cannot reach Slack at {url} (ClientConnector")
    assert "SLACK_API_URL" in lines[0]
