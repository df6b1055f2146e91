"""Dashboard hardening over real HTTP(S): cookies behind TLS, no account enumeration, login CSRF,
body size and rate limits."""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bot.bootstrap import Runtime
from bot.review import accounts
from bot.review.cli import register, web_options
from bot.web.limits import RequestLimits
from storage.review import StaffRow
from tests.review.helpers import PASSWORD
from tests.web.conftest import Dashboard, csrf_of, login, make_dashboard

HTTPS = {"x-forwarded-proto": "https"}


def _web_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="jobcard")
    register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["web", *argv])


def _login_over(client: httpx.Client, headers: dict[str, str]) -> httpx.Response:
    """Log in as sato, sending ``headers`` with both requests (cookies passed by hand)."""
    form = client.get("/login", headers=headers)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    pre = form.headers["set-cookie"].split(";", 1)[0]
    return client.post(
        "/login",
        data={"csrf_token": token.group(1), "login": "sato", "password": PASSWORD},
        headers={**headers, "cookie": pre},
    )


@pytest.fixture
def behind_proxy(runtime: Runtime) -> Iterator[Dashboard]:
    """`jobcard web --proxy-headers` (trusting 127.0.0.1, the default)."""
    yield from make_dashboard(runtime, None, server=web_options(_web_args("--proxy-headers")))


def test_secure_host_cookies_and_hsts_behind_a_tls_proxy(behind_proxy: Dashboard) -> None:
    with httpx.Client(base_url=behind_proxy.url) as client:
        response = _login_over(client, HTTPS)
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-jc_session=")
        assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
        assert "Domain" not in cookie
        assert response.headers["strict-transport-security"] == "max-age=31536000"
        session = cookie.split(";", 1)[0]
        page = client.get("/queue", headers={**HTTPS, "cookie": session})
        assert page.status_code == 200 and "提出の一覧" in page.text
        # Over HTTPS only the __Host- cookie counts, never one a subdomain could have set.
        plain = session.replace("__Host-", "")
        assert client.get("/queue", headers={**HTTPS, "cookie": plain}).status_code == 303
    with httpx.Client(base_url=behind_proxy.url) as client:  # plain HTTP: no HSTS, no Secure
        response = login(client, "sato")
        assert response.headers["set-cookie"].startswith("jc_session=")
        assert "Secure" not in response.headers["set-cookie"]
        assert "strict-transport-security" not in response.headers


def test_forwarded_headers_from_an_untrusted_address_are_ignored(runtime: Runtime) -> None:
    options = web_options(_web_args("--proxy-headers", "--forwarded-allow-ips", "10.9.9.9"))
    for board in make_dashboard(runtime, None, server=options):
        with httpx.Client(base_url=board.url) as client:
            response = _login_over(client, HTTPS)
            assert response.headers["set-cookie"].startswith("jc_session=")
            assert "strict-transport-security" not in response.headers


def test_native_tls(runtime: Runtime, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    options = web_options(_web_args("--ssl-certfile", str(cert), "--ssl-keyfile", str(key)))
    for board in make_dashboard(runtime, None, server=options):
        assert board.url.startswith("https://")
        with httpx.Client(base_url=board.url, verify=False) as client:
            response = login(client, "sato")
            assert response.status_code == 303
            assert response.headers["set-cookie"].startswith("__Host-jc_session=")
            assert "Secure" in response.headers["set-cookie"]
            page = client.get("/queue")
            assert page.status_code == 200
            assert page.headers["strict-transport-security"] == "max-age=31536000"


def test_a_certificate_needs_its_key() -> None:
    with pytest.raises(ValueError, match="go together"):
        web_options(_web_args("--ssl-certfile", "cert.pem"))


class CountingHasher(PasswordHasher):
    """argon2 with cheap parameters that counts how often a password is verified."""

    verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        type(self).verified += 1
        return super().verify(hash, password)


def _set_staff(board: Dashboard, login_id: str, **values: object) -> None:
    with board.sessions.begin() as session:
        staff = session.scalar(select(StaffRow).where(StaffRow.login == login_id))
        assert staff is not None
        for name, value in values.items():
            setattr(staff, name, value)


def _without_tokens(text: str) -> str:
    text = re.sub(r'name="csrf_token" value="[^"]+"', "", text)
    return re.sub(
        r'id="login" name="login" autocomplete="username" required value="[^"]*"', "", text
    )


def test_failed_logins_look_the_same(
    dashboard: Dashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "HASHER", CountingHasher(time_cost=1, memory_cost=1024))
    accounts._dummy_hash.cache_clear()
    accounts._dummy_hash()  # made once, outside the counted attempts
    _set_staff(dashboard, "kato", locked_until=dashboard.clock.now + timedelta(minutes=10))
    _set_staff(dashboard, "ito", disabled=True)
    cases = {
        "unknown": ("nobody", "a wrong password"),
        "wrong": ("sato", "a wrong password"),
        "locked (right password)": ("kato", PASSWORD),
        "disabled (right password)": ("ito", PASSWORD),
    }
    pages = {}
    with httpx.Client(base_url=dashboard.url) as client:
        for case, (user, password) in cases.items():
            before = CountingHasher.verified
            response = login(client, user, password)
            assert response.status_code == 401, case
            assert CountingHasher.verified - before == 1, case  # the same argon2 work
            pages[case] = _without_tokens(response.text)
    assert len(set(pages.values())) == 1, "the pages differ"


def test_login_csrf_is_bound_to_a_signed_pre_session(dashboard: Dashboard) -> None:
    data = {"login": "sato", "password": PASSWORD}
    with httpx.Client(base_url=dashboard.url) as attacker:
        # A pair of the attacker's choosing, in the old double-submit style.
        chosen = {"cookie": "jc_pre=attacker; jc_login_csrf=attacker"}
        forged = attacker.post("/login", data={**data, "csrf_token": "attacker"}, headers=chosen)
        assert forged.status_code == 403
        # A real token, but for the attacker's own pre-session, used with another cookie.
        page = attacker.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        other = {"cookie": "jc_pre=the-victims-own-pre-session"}
        stolen = attacker.post(
            "/login", data={**data, "csrf_token": token.group(1)}, headers=other
        )
        assert stolen.status_code == 403
        # The genuine pair, but after the form's hour.
        dashboard.clock.now += timedelta(hours=2)
        stale = attacker.post("/login", data={**data, "csrf_token": token.group(1)})
        assert stale.status_code == 403
        dashboard.clock.now -= timedelta(hours=2)
        assert (
            attacker.post("/login", data={**data, "csrf_token": token.group(1)}).status_code == 303
        )


def test_a_large_body_is_refused_at_once(dashboard: Dashboard) -> None:
    with httpx.Client(base_url=dashboard.url, timeout=10) as client:
        big = client.post("/login", content=b"x" * (2 * 1024 * 1024))
        assert big.status_code == 413 and "大きすぎます" in big.text

        def chunks() -> Iterator[bytes]:  # no Content-Length: cut off as it streams
            for _ in range(64):
                yield b"login=" + b"y" * 16 * 1024

        form_type = {"content-type": "application/x-www-form-urlencoded"}
        streamed = client.post("/login", content=chunks(), headers=form_type)
        assert streamed.status_code == 413
        login(client, "sato")
        token = csrf_of(client, f"/s/{dashboard.mine}")
        comment = client.post(
            f"/s/{dashboard.mine}/comments",
            data={"csrf_token": token, "target": "person.name", "body": "あ" * 300_000},
        )
        assert comment.status_code == 413


@pytest.fixture
def limited(runtime: Runtime) -> Iterator[Dashboard]:
    limits = RequestLimits(login_per_account="3/minute", post_per_account="2/minute")
    yield from make_dashboard(runtime, None, limits=limits)


def test_rate_limits_answer_with_a_clear_429_page(limited: Dashboard) -> None:
    with httpx.Client(base_url=limited.url) as client:
        for _ in range(3):
            assert login(client, "kato", "a wrong password").status_code == 401
        refused = login(client, "kato", PASSWORD)  # even the right one, for a while
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
        assert "分ほど待ってから、もう一度お試しください" in refused.text
        # Another account from the same address is not held back by kato's limit.
        assert login(client, "sato").status_code == 303
        token = csrf_of(client, f"/s/{limited.mine}")
        start = client.post(f"/s/{limited.mine}/start", data={"csrf_token": token})
        assert start.status_code == 303
        form = {"csrf_token": token, "target": "person.name", "body": "一言"}
        assert client.post(f"/s/{limited.mine}/comments", data=form).status_code == 303
        third = client.post(f"/s/{limited.mine}/comments", data=form)
        assert third.status_code == 429 and "Too many requests" in third.text


def test_responses_written_in_one_piece_arrive_whole_on_kept_and_closed_connections(
    behind_proxy: Dashboard,
) -> None:
    # jobcard web's protocol keeps a response's header and body for one write: a response
    # must still arrive whole, on a kept connection and on one closed after it.
    assert web_options(_web_args())["http"].__name__ == "OneWriteProtocol"
    host, port = behind_proxy.url.removeprefix("http://").split(":")
    request = f"GET /login HTTP/1.1\r\nHost: {host}\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            f"{request}\r\n{request}\r\n{request}Connection: close\r\n\r\n".encode()
        )
        received = b""
        while chunk := connection.recv(65536):  # until the server closes the connection
            received += chunk
    responses = received.split(b"HTTP/1.1 ")[1:]
    assert len(responses) == 3
    for response in responses:
        head, _, body = response.partition(b"\r\n\r\n")
        assert head.startswith(b"200 OK")
        length = re.search(rb"content-length: (\d+)", head)
        assert length is not None and len(body) == int(length.group(1))
        assert "ログイン".encode() in body
