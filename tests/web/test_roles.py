"""The role rules, role × page × action: every status, every name and note shown or hidden."""

from __future__ import annotations

import httpx
import pytest

from bot.web.access import RULES, Permission
from tests.web.conftest import NAME, Dashboard, csrf_of, login

ROLES = {"counselor": "sato", "facilitator": "ito", "admin": "admin"}
SEE = 200
NO = 403
LOGIN = 303  # to the login page
NONE = 404  # allowed, but there is no such thing here

# (method, path, form) → expected status for an anonymous visitor, counselor, facilitator,
# admin. Written out by hand from the README's promises, not derived from the code's table.
MATRIX: list[tuple[str, str, dict[str, str], tuple[int, int, int, int]]] = [
    ("GET", "/queue", {}, (LOGIN, SEE, SEE, SEE)),
    ("GET", "/s/{mine}", {}, (LOGIN, SEE, SEE, SEE)),
    ("GET", "/s/{theirs}", {}, (LOGIN, NONE, NONE, SEE)),
    ("GET", "/s/{mine}/diff", {}, (LOGIN, SEE, NO, NO)),
    ("GET", "/s/{mine}/approved.pdf", {}, (LOGIN, NONE, NO, NO)),  # not approved yet
    ("GET", "/bookings", {}, (LOGIN, SEE, SEE, SEE)),
    ("GET", "/cohorts", {}, (LOGIN, NO, SEE, SEE)),
    ("GET", "/cohorts/NOSUCH", {}, (LOGIN, NO, NONE, NONE)),
    ("GET", "/cohorts/NOSUCH.csv", {}, (LOGIN, NO, NONE, NONE)),
    ("GET", "/admin/accounts", {}, (LOGIN, NO, NO, SEE)),
    ("GET", "/admin/audit", {}, (LOGIN, NO, NO, SEE)),
    ("GET", "/account", {}, (LOGIN, SEE, SEE, SEE)),
    ("POST", "/s/{mine}/comments", {"target": "person.name", "body": "x"}, (LOGIN, 409, NO, NO)),
    ("POST", "/s/{mine}/request-changes", {"note": "x"}, (LOGIN, 409, NO, NO)),
    ("POST", "/s/{mine}/approve", {"version": "1"}, (LOGIN, 409, NO, NO)),
    ("POST", "/s/{mine}/consultant", {"text": "x", "agreed": "yes"}, (LOGIN, 409, NO, NO)),
    ("POST", "/s/{mine}/resolve", {"comment": "999"}, (LOGIN, 409, NO, NO)),
    ("POST", "/bookings/999/mark", {"outcome": "held"}, (LOGIN, NONE, NONE, NONE)),
    ("POST", "/admin/accounts/reset", {"login": "nobody"}, (LOGIN, NO, NO, NONE)),
    ("POST", "/s/{mine}/start", {}, (LOGIN, 303, NO, NO)),  # last: it changes the state
]


def _status(client: httpx.Client, board: Dashboard, method: str, path: str, form: dict[str, str],
            token: str) -> int:  # fmt: skip
    path = path.format(mine=board.mine, theirs=board.theirs)
    if method == "GET":
        return client.get(path).status_code
    return client.post(path, data={**form, "csrf_token": token}).status_code


def test_every_role_on_every_page_and_action(dashboard: Dashboard) -> None:
    failures = []
    with httpx.Client(base_url=dashboard.url) as anonymous:
        for method, path, form, expected in MATRIX:
            got = _status(anonymous, dashboard, method, path, form, "")
            if got != expected[0]:
                failures.append(f"anonymous {method} {path}: {got}, expected {expected[0]}")
    for column, user in enumerate(ROLES.values(), start=1):
        with httpx.Client(base_url=dashboard.url) as client:
            assert login(client, user).status_code == 303
            token = csrf_of(client, "/account")
            for method, path, form, expected in MATRIX:
                got = _status(client, dashboard, method, path, form, token)
                if got != expected[column]:
                    failures.append(f"{user} {method} {path}: {got}, expected {expected[column]}")
    assert failures == []


def test_the_table_matches_the_readme() -> None:
    names = {p: {r.value for r in roles} for p, roles in RULES.items()}
    assert names[Permission.CARD] == names[Permission.REVIEW] == {"counselor"}
    assert names[Permission.NAMES] == {"counselor", "facilitator"}
    assert names[Permission.COHORTS] == {"facilitator", "admin"}
    assert names[Permission.AUDIT] == names[Permission.ACCOUNTS] == {"admin"}


@pytest.mark.parametrize(("user", "sees_name", "sees_note"), [
    ("sato", True, True), ("ito", True, False), ("admin", False, False),
])  # fmt: skip
def test_names_and_notes_only_where_the_readme_promises(
    dashboard: Dashboard, user: str, sees_name: bool, sees_note: bool
) -> None:
    with httpx.Client(base_url=dashboard.url) as counselor:
        login(counselor, "sato")
        token = csrf_of(counselor, f"/s/{dashboard.mine}")
        counselor.post(f"/s/{dashboard.mine}/start", data={"csrf_token": token})
        note = {"csrf_token": token, "note": "ご家族の事情に配慮して進める"}
        assert counselor.post(f"/s/{dashboard.mine}/request-changes", data=note).status_code == 303
    escaped = "山田&lt;script&gt;"
    with httpx.Client(base_url=dashboard.url) as client:
        login(client, user)
        queue = client.get("/queue?state=all").text
        page = client.get(f"/s/{dashboard.mine}").text
        assert (escaped in queue) is sees_name and (escaped in page) is sees_name
        assert NAME not in queue and NAME not in page  # never as markup
        assert ("ご家族の事情に配慮して進める" in page) is sees_note
        assert "佐藤" in page and ">sato<" not in page  # the counselor by name, not login
