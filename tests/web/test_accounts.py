"""Passwords (rules, change, admin reset, `counselor passwd`), two-factor login, audit trail."""

from __future__ import annotations

import argparse
import getpass
import io
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import select

from bot.bootstrap import Runtime
from bot.config import Settings
from bot.review import accounts, twofactor
from bot.review.cli import dispatch, register
from storage import audit, make_engine
from storage.review import StaffRow
from tests.conftest import NOW
from tests.review.helpers import PASSWORD, PERSON
from tests.web.conftest import Dashboard, csrf_of, login, make_dashboard

NEW_PASSWORD = "港の見える丘で朝ごはんを食べる"


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short one", "at least 12 characters"),
        ("password1234", "too common"),
        ("qwertyuiop12", "too common"),
        ("sato.hanako1", "too common"),  # the login itself, with a digit
        ("x" * 257, "at most 256"),
    ],
)
def test_password_rules_refuse(password: str, why: str) -> None:
    with pytest.raises(accounts.PasswordRuleError, match=why) as refused:
        accounts.check_password(password, login="sato.hanako", name="佐藤 花子")
    assert refused.value.reason.ja.endswith("。")


@pytest.mark.parametrize(
    "password", [NEW_PASSWORD, "correct horse battery", "Tr0ub4dor & 3 oranges", "長" * 200]
)
def test_password_rules_accept_long_and_any_characters(password: str) -> None:
    if password == "長" * 200:  # zxcvbn sees the first 72 characters: a repeat is weak
        with pytest.raises(accounts.PasswordRuleError):
            accounts.check_password(password)
        return
    accounts.check_password(password, login="sato", name="佐藤")


def _staff(board: Dashboard, login_id: str) -> StaffRow:
    with board.sessions() as session:
        staff = session.scalar(select(StaffRow).where(StaffRow.login == login_id))
        assert staff is not None
        return staff


def _post(client: httpx.Client, path: str, page: str = "/account", **data: str) -> httpx.Response:
    return client.post(path, data={"csrf_token": csrf_of(client, page), **data})


def test_changing_ones_password(dashboard: Dashboard) -> None:
    with httpx.Client(base_url=dashboard.url) as other, httpx.Client(base_url=dashboard.url) as me:
        login(other, "sato")  # the same account on another computer
        login(me, "sato")
        wrong = _post(
            me, "/account/password", current="nope", new=NEW_PASSWORD, again=NEW_PASSWORD
        )
        assert wrong.status_code == 400 and "今のパスワードが違います" in wrong.text
        differ = _post(me, "/account/password", current=PASSWORD, new=NEW_PASSWORD, again="x")
        assert differ.status_code == 400 and "一致しません" in differ.text
        common = _post(
            me, "/account/password", current=PASSWORD, new="password1234", again="password1234"
        )
        assert common.status_code == 400 and "よく使われている" in common.text
        done = _post(
            me, "/account/password", current=PASSWORD, new=NEW_PASSWORD, again=NEW_PASSWORD
        )
        assert done.status_code == 303 and done.headers["location"] == "/account?done=password"
        assert "パスワードを変更しました" in me.get(done.headers["location"]).text
        assert other.get("/queue").status_code == 303  # the other session has ended
    with httpx.Client(base_url=dashboard.url) as client:
        assert login(client, "sato").status_code == 401
        assert login(client, "sato", NEW_PASSWORD).status_code == 303


def test_an_admin_reset_forces_a_change_at_the_next_login(dashboard: Dashboard) -> None:
    with httpx.Client(base_url=dashboard.url) as admin:
        login(admin, "admin")
        reset = _post(admin, "/admin/accounts/reset", "/admin/accounts", login="sato")
        assert reset.status_code == 200
        found = re.search(r'<code class="secret">([^<]+)</code>', reset.text)
        assert found is not None
        temporary = found.group(1)
    assert _staff(dashboard, "sato").must_change_password
    with httpx.Client(base_url=dashboard.url) as sato:
        assert login(sato, "sato").status_code == 401  # the old password is gone
        assert login(sato, "sato", temporary).status_code == 303
        for path in ("/queue", f"/s/{dashboard.mine}", "/bookings"):
            response = sato.get(path)
            assert response.status_code == 303 and response.headers["location"] == "/account"
        assert "ご自分で新しいパスワードを決めてください" in sato.get("/account").text
        changed = _post(
            sato, "/account/password", current=temporary, new=NEW_PASSWORD, again=NEW_PASSWORD
        )
        assert changed.status_code == 303
        assert sato.get("/queue").status_code == 200
    assert not _staff(dashboard, "sato").must_change_password


def _cli(argv: list[str], url: str, stdin: str = "") -> tuple[int | None, str, str]:
    parser = argparse.ArgumentParser(prog="jobcard")
    register(parser.add_subparsers(dest="command", required=True))
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        patch.setattr("sys.stdout", out)
        patch.setattr("sys.stderr", err)
        code = dispatch(parser.parse_args(argv), Settings(database_url=url))
    return code, out.getvalue(), err.getvalue()


def test_counselor_passwd(dashboard: Dashboard, runtime: Runtime) -> None:
    url = runtime.settings.database_url
    code, _, err = _cli(["counselor", "passwd", "sato"], url, "password1234\n")
    assert code == 2 and "too common" in err
    code, out, _ = _cli(["counselor", "passwd", "SATO"], url, NEW_PASSWORD + "\n")
    assert code == 0 and "to be changed at the next login" in out
    assert _staff(dashboard, "sato").must_change_password
    with httpx.Client(base_url=dashboard.url) as client:
        assert login(client, "sato", NEW_PASSWORD).status_code == 303
        assert client.get("/queue").headers["location"] == "/account"
    code, out, _ = _cli(["audit", "--user", "cli:" + getpass.getuser()], url)
    assert code == 0 and "reset_password" in out and "account:sato" in out


def _enrol(board: Dashboard, client: httpx.Client) -> tuple[str, list[str]]:
    """Set up two-factor login through the account page; the secret and recovery codes."""
    assert _post(client, "/account/2fa/start").status_code == 303
    page = client.get("/account").text
    assert "<svg" in page and "QRコード" in page  # the QR code, inline, without script
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
    assert secret is not None
    wrong = _post(client, "/account/2fa/confirm", code="000000")
    assert wrong.status_code == 400 and "コードが違います" in wrong.text
    code = twofactor.current_code(secret.group(1), board.clock.now)
    confirmed = _post(client, "/account/2fa/confirm", code=code)
    assert confirmed.status_code == 200 and "2段階認証を有効にしました" in confirmed.text
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", confirmed.text)
    assert len(codes) == 10
    return secret.group(1), codes


def _code_step(client: httpx.Client, code: str) -> httpx.Response:
    page = client.get("/login/code")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return client.post("/login/code", data={"csrf_token": token.group(1), "code": code})


def test_two_factor_login(dashboard: Dashboard) -> None:
    with httpx.Client(base_url=dashboard.url) as client:
        login(client, "sato")
        secret, codes = _enrol(dashboard, client)
        assert _staff(dashboard, "sato").totp_enabled
        client.post("/logout", data={"csrf_token": csrf_of(client, "/queue")})
    with httpx.Client(base_url=dashboard.url) as client:
        first = login(client, "sato")
        assert first.status_code == 303 and first.headers["location"] == "/login/code"
        assert client.get("/queue").status_code == 303  # the password alone opens nothing
        dashboard.clock.now += timedelta(seconds=60)
        code = twofactor.current_code(secret, dashboard.clock.now)
        assert _code_step(client, "123456").status_code == 401
        done = _code_step(client, code)
        assert done.status_code == 303 and done.headers["location"] == "/queue"
        assert client.get("/queue").status_code == 200
    with httpx.Client(base_url=dashboard.url) as replay:  # the same code cannot serve twice
        login(replay, "sato")
        assert _code_step(replay, code).status_code == 401
        assert _code_step(replay, codes[0].upper()).status_code == 303  # a recovery code
    with httpx.Client(base_url=dashboard.url) as again:
        login(again, "sato")
        assert _code_step(again, codes[0]).status_code == 401  # once only


def test_two_factor_required_for_admins(runtime: Runtime) -> None:
    for board in make_dashboard(runtime, None, require_2fa="admin"):
        with httpx.Client(base_url=board.url) as admin:
            login(admin, "admin")
            for path in ("/queue", "/admin/audit", "/cohorts"):
                assert admin.get(path).headers["location"] == "/account"
            assert "2段階認証が必須です" in admin.get("/account").text
            _enrol(board, admin)
            assert admin.get("/admin/audit").status_code == 200
            refused = _post(admin, "/account/2fa/disable", password=PASSWORD)
            assert refused.status_code == 400 and "必須のため" in refused.text
        with httpx.Client(base_url=board.url) as counselor:
            login(counselor, "sato")  # not required for counselors
            assert counselor.get("/queue").status_code == 200


def _audit_rows(board: Dashboard, **where: Any) -> list[audit.AuditRow]:
    with board.sessions() as session:
        return list(audit.entries(session, **where))


def test_the_audit_trail(dashboard: Dashboard, runtime: Runtime) -> None:
    with httpx.Client(base_url=dashboard.url) as sato:
        login(sato, "sato")
        token = csrf_of(sato, f"/s/{dashboard.mine}")
        sato.post(f"/s/{dashboard.mine}/start", data={"csrf_token": token})
        sato.post(f"/s/{dashboard.mine}/approve", data={"csrf_token": token, "version": "1"})
        sato.get(f"/s/{dashboard.mine}/approved.pdf")
        refused = sato.post(f"/s/{dashboard.theirs}/start", data={"csrf_token": token})
        assert refused.status_code == 404
    rows = _audit_rows(dashboard, person_id=PERSON)
    actions = [row.action for row in reversed(rows)]
    assert actions == ["view_card", "start_review", "approve", "download_pdf"]
    assert {row.actor for row in rows} == {"sato"} and {row.address for row in rows} == {
        "127.0.0.1"
    }
    assert rows[0].object_id == dashboard.mine and rows[-1].detail == "version 1"
    assert _audit_rows(dashboard, person_id="console:taro") == []  # nothing was done there
    with httpx.Client(base_url=dashboard.url) as admin:
        login(admin, "admin")
        page = admin.get("/admin/audit", params={"person": PERSON})
        assert page.status_code == 200 and "download_pdf" in page.text and "sato" in page.text
    code, out, _ = _cli(["audit", "--person", PERSON], runtime.settings.database_url)
    assert code == 0 and len(out.splitlines()) == 4
    assert out.splitlines()[-1].split("\t")[1:5] == ["sato", "counselor", "view_card", PERSON]
    logins = _audit_rows(dashboard, actor="sato")
    assert "login" in {row.action for row in logins}
    # Append-only: the database itself refuses to change an entry.
    engine = make_engine(runtime.settings.database_url)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(sa.text("UPDATE audit_log SET actor = 'someone else'"))
    engine.dispose()
    # Retention: entries older than the kept period go, the rest stay.
    with dashboard.sessions.begin() as session:
        audit.record(session, at=NOW - timedelta(days=4000), actor="old", role="admin", action="x")
    code, out, _ = _cli(["audit", "--prune"], runtime.settings.database_url)
    assert code == 0 and out == "removed 1 audit entries older than 1095 days\n"
    assert len(_audit_rows(dashboard, person_id=PERSON)) == 4


def test_the_audit_trail_is_append_only_on_postgresql(pg_url: str) -> None:
    engine = make_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit_log (at, actor, role, action) VALUES (now(), 'a', 'admin', 'x')"
            )
        )
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(sa.text("UPDATE audit_log SET actor = 'b'"))
    with engine.begin() as connection:  # retention may still delete
        assert connection.execute(sa.text("DELETE FROM audit_log")).rowcount == 1
    engine.dispose()
