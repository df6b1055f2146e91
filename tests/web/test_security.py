"""Dashboard security over plain HTTP: CSRF, centres, roles, lockout, sessions, headers."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from bot.web import create_app
from storage.review import SubmissionRow, TransitionRow
from tests.web.conftest import NAME, Dashboard, csrf_of, login


def _post_paths(board: Dashboard) -> list[str]:
    app = create_app(board.sessions)
    paths = [r.path for r in app.routes if "POST" in (getattr(r, "methods", None) or ())]
    return [p.replace("{public_id}", board.mine) for p in paths if p not in _LOGIN_FORMS]


_LOGIN_FORMS = ("/login", "/login/code")  # before a session: their own tokens, tested below


def _state(board: Dashboard, public_id: str) -> tuple[str, int]:
    with board.sessions() as session:
        row = session.scalar(select(SubmissionRow).where(SubmissionRow.public_id == public_id))
        assert row is not None
        moves = session.scalars(
            select(TransitionRow).where(TransitionRow.submission_id == row.id)
        ).all()
        return row.state, len(moves)


def test_forged_forms_are_refused(dashboard: Dashboard) -> None:
    with httpx.Client(base_url=dashboard.url) as client:
        forged_login = client.post("/login", data={"login": "sato", "password": "x"})
        assert forged_login.status_code == 403
        assert login(client, "sato").status_code == 303
        token = csrf_of(client, f"/s/{dashboard.mine}")
        paths = _post_paths(dashboard)
        # logout, the six review forms, marking a booking, the account page's four forms
        # and an admin's password reset
        assert len(paths) == 13
        for path in paths:
            data = {"comment": "1", "target": "person.name", "body": "x", "version": "1"}
            assert client.post(path, data=data).status_code == 403, path
            assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 403
            cross_site = client.post(
                path, data={**data, "csrf_token": token}, headers={"origin": "http://evil.test"}
            )
            assert cross_site.status_code == 403, path
        assert _state(dashboard, dashboard.mine) == ("submitted", 1)  # nothing happened
        # The same form with the page's token goes through.
        started = client.post(f"/s/{dashboard.mine}/start", data={"csrf_token": token})
        assert started.status_code == 303
        assert _state(dashboard, dashboard.mine) == ("in_review", 2)


def test_another_centres_submission_is_not_found(dashboard: Dashboard) -> None:
    with httpx.Client(base_url=dashboard.url) as client:
        login(client, "sato")
        token = csrf_of(client, "/queue")
        queue = client.get("/queue").text
        assert "鈴木 太郎" not in queue and dashboard.theirs not in queue
        for suffix in ("", "/diff", "/approved.pdf"):
            assert client.get(f"/s/{dashboard.theirs}{suffix}").status_code == 404
        forged = client.post(f"/s/{dashboard.theirs}/start", data={"csrf_token": token})
        assert forged.status_code == 404
        assert client.get("/s/not-a-real-id").status_code == 404
    assert _state(dashboard, dashboard.theirs) == ("submitted", 1)


def test_facilitators_and_admins_see_progress_not_the_card(dashboard: Dashboard) -> None:
    for user, name_shown in (("ito", True), ("admin", False)):
        with httpx.Client(base_url=dashboard.url) as client:
            login(client, user)
            page = client.get(f"/s/{dashboard.mine}")
            assert page.status_code == 200
            assert "提出済み" in page.text and "法人営業" not in page.text
            assert ("山田&lt;script&gt;" in page.text) is name_shown
            assert client.get(f"/s/{dashboard.mine}/diff").status_code == 403
            token = csrf_of(client, "/queue")
            refused = client.post(f"/s/{dashboard.mine}/start", data={"csrf_token": token})
            assert refused.status_code == 403
    assert _state(dashboard, dashboard.mine) == ("submitted", 1)


REFUSED = "ログインできませんでした。ログインIDとパスワードをお確かめください。"


def test_lockout_after_repeated_failures(dashboard: Dashboard) -> None:
    with httpx.Client(base_url=dashboard.url) as client:
        for _ in range(5):
            failed = login(client, "sato", "wrong password")
            assert failed.status_code == 401 and REFUSED in failed.text
            assert "15分間ログインできなくなります" in failed.text
        locked = login(client, "sato")  # even the right password, while locked
        assert locked.status_code == 401 and REFUSED in locked.text
        dashboard.clock.now += timedelta(minutes=16)
        assert login(client, "sato").status_code == 303
        unknown = login(client, "nobody", "whatever")
        assert unknown.status_code == 401 and REFUSED in unknown.text


def test_session_cookie_logout_and_headers(dashboard: Dashboard) -> None:
    with httpx.Client(base_url=dashboard.url) as client:
        response = login(client, "sato")
        cookie = response.headers["set-cookie"]
        assert "jc_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        page = client.get("/queue")
        assert page.status_code == 200 and NAME not in page.text
        assert "山田&lt;script&gt;" in page.text  # escaped
        csp = page.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["cache-control"] == "no-store"
        stolen = client.cookies["jc_session"]
        client.post("/logout", data={"csrf_token": csrf_of(client, "/queue")})
    with httpx.Client(base_url=dashboard.url, cookies={"jc_session": stolen}) as replay:
        again = replay.get("/queue")
        assert again.status_code == 303 and again.headers["location"] == "/login"


def test_the_counselors_box_needs_the_persons_agreement(dashboard: Dashboard) -> None:
    with httpx.Client(base_url=dashboard.url) as client:
        login(client, "sato")
        token = csrf_of(client, f"/s/{dashboard.mine}")
        client.post(f"/s/{dashboard.mine}/start", data={"csrf_token": token})
        box = f"/s/{dashboard.mine}/consultant"
        refused = client.post(box, data={"csrf_token": token, "text": "簿記2級を目指す"})
        assert refused.status_code == 409 and "ご本人の同意" in refused.text
        saved = client.post(
            box, data={"csrf_token": token, "text": "簿記2級を目指す", "agreed": "yes"}
        )
        assert saved.status_code == 303
        assert client.get(f"/s/{dashboard.mine}/approved.pdf").status_code == 404  # not yet
        approved = client.post(
            f"/s/{dashboard.mine}/approve", data={"csrf_token": token, "version": "1"}
        )
        assert approved.status_code == 303
        pdf = client.get(f"/s/{dashboard.mine}/approved.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"].endswith('-v1.pdf"')
    (card,) = dashboard.printed
    assert card.career_plan.consultant_entry == "簿記2級を目指す"
    assert card.person.name == NAME
