"""chat.js's turns (``POST /chat`` sent by fetch), answered by their own lean path: the same
checks, answers and headers as the route, over real HTTP (uvicorn)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bootstrap import Runtime
from bot.web.chat_form import form_of
from bot.web.chat_security import ChatLimits
from storage import repositories as repo
from storage import webchat
from tests.web.chat_app import Browser, ChatServer, chat_server, consented

FETCH = {"x-requested-with": "jobcard-chat"}  # as chat.js sends every turn


@pytest.fixture
def server(runtime: Runtime) -> Iterator[ChatServer]:
    with chat_server(runtime) as running:
        yield running


def _form(page: Browser | str, **fields: str) -> dict[str, str]:
    """The answer box's form of a page (as chat.js sends it), with ``fields``."""
    text = page.page if isinstance(page, Browser) else page
    names = ("csrf_token", "delivery", "shape")
    found = {name: re.search(rf'name="{name}" value="([^"]*)"', text) for name in names}
    return {name: match.group(1) for name, match in found.items() if match} | fields


def _person(runtime: Runtime) -> str:
    with runtime.sessions() as session:
        [person] = [p for p in repo.list_people(session) if p.startswith("web:")]
    return person


def _answer(runtime: Runtime, key: str) -> object:
    with runtime.sessions() as session:
        return repo.current_answers(session, _person(runtime)).get(key)


def _said(runtime: Runtime, person: str) -> list[str]:
    with runtime.sessions() as session:
        messages = webchat.recent_messages(session, person)
    return [m.body["text"] for m in messages if m.body["role"] == "person"]


def test_a_fetch_turn_is_answered_with_the_chats_json_and_security_headers(
    server: ChatServer,
) -> None:
    browser = consented(server)
    response = browser.client.post("/chat", data=_form(browser, text="山田 太郎"), headers=FETCH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in response.headers  # plain HTTP on loopback
    reply = response.json()
    assert "山田 太郎" in reply["messages"] and reply["delivery"] != browser.field("delivery")
    assert _answer(server.runtime, "profile.name") == "山田 太郎"


def test_over_https_a_fetch_turn_carries_hsts_and_reads_only_the_host_cookie(
    runtime: Runtime,
) -> None:
    https = {"x-forwarded-proto": "https"}
    with chat_server(runtime, proxy_headers=True, forwarded_allow_ips="127.0.0.1") as server:
        first = httpx.get(server.url + "/", headers=https)
        sent = first.headers["set-cookie"].split(";", 1)[0]
        assert sent.startswith("__Host-jc_chat=")
        form = _form(first.text, payload="c|start")
        url = server.url + "/chat"
        # Over HTTPS only the __Host- cookie counts, never one a subdomain could have set.
        plain = {**https, **FETCH, "cookie": sent.replace("__Host-", "")}
        assert httpx.post(url, data=form, headers=plain).status_code == 403
        response = httpx.post(url, data=form, headers={**https, **FETCH, "cookie": sent})
        assert response.status_code == 200
        assert response.headers["strict-transport-security"] == "max-age=31536000"
        assert "Choose your language" in response.json()["messages"]


def test_fetch_turns_are_refused_as_plain_posts_are_and_change_nothing(
    server: ChatServer,
) -> None:
    browser = consented(server)
    person = _person(server.runtime)
    before = _said(server.runtime, person)
    client = browser.client
    wrong = client.post("/chat", data=_form(browser, csrf_token="0" * 64, text="x"), headers=FETCH)
    assert wrong.status_code == 403
    no_cookie = httpx.post(server.url + "/chat", data=_form(browser, text="x"), headers=FETCH)
    assert no_cookie.status_code == 403
    bad_id = client.post("/chat", data=_form(browser, delivery="!", text="x"), headers=FETCH)
    assert bad_id.status_code == 400
    many = {**_form(browser, text="x"), **{f"f{n}": "1" for n in range(20)}}
    assert client.post("/chat", data=many, headers=FETCH).status_code == 400
    large = client.post("/chat", data=_form(browser, text="あ" * 200_000), headers=FETCH)
    assert large.status_code == 413
    assert _said(server.runtime, person) == before
    # An empty answer is no turn: the page's messages since ``after`` come back, nothing else.
    empty = client.post("/chat", data=_form(browser, text="  ", after="0"), headers=FETCH)
    assert empty.status_code == 200 and "氏名" in empty.json()["messages"]
    assert _said(server.runtime, person) == before


def test_a_fetch_turn_posted_twice_is_taken_once_and_both_show_it(server: ChatServer) -> None:
    browser = consented(server)
    last = browser.page.rsplit('data-id="', 1)[1].split('"', 1)[0]
    form = _form(browser, text="佐藤 花子", after=last)
    first = browser.client.post("/chat", data=form, headers=FETCH)
    again = browser.client.post("/chat", data=form, headers=FETCH)
    assert first.status_code == again.status_code == 200
    assert "佐藤 花子" in first.json()["messages"] and "佐藤 花子" in again.json()["messages"]
    assert _said(server.runtime, _person(server.runtime)).count("佐藤 花子") == 1


def test_too_many_fetch_turns_are_slowed_down_and_nothing_is_taken(runtime: Runtime) -> None:
    limits = ChatLimits(per_person="4/minute", per_address="100/minute")
    with chat_server(runtime, limits=limits) as server:
        browser = consented(server)  # three posts
        first = browser.client.post("/chat", data=_form(browser, text="山田 太郎"), headers=FETCH)
        assert first.status_code == 200
        form = _form(browser, delivery="slowdown01", text="やまだ たろう")
        response = browser.client.post("/chat", data=form, headers=FETCH)
        assert response.status_code == 429
        assert "少しお休みしています" in response.json()["notice"]
        assert response.headers["x-frame-options"] == "DENY"
        assert _answer(runtime, "profile.furigana") is None


@pytest.mark.parametrize(
    "body",
    [
        urlencode({"csrf_token": "a" * 64, "text": "山田 太郎\n二行目 & <b>", "after": "12"}),
        "text=%E5%B1%B1+%E7%94%B0&text=last&shape=ja.0.0.1",
        "bad=%ff%fe&broken=%zz%4&blank=&novalue&=v&&a=b=c&plus=1+2%2B3",
    ],
)
def test_the_form_is_read_as_parse_qsl_reads_it(body: str) -> None:
    expected = dict(parse_qsl(body, keep_blank_values=True, errors="replace"))
    assert form_of(body.encode()) == expected


def test_a_form_with_too_many_fields_is_left_to_the_route() -> None:
    assert form_of(b"&".join([b"a=1"] * 21)) is None
    assert form_of(b"&".join([b"a=1"] * 20)) == {"a": "1"}


def test_delivery_ids_never_repeat_and_a_forked_process_has_its_own() -> None:
    import os

    from bot.web.chat_form import DELIVERY_ID, new_delivery

    made = [new_delivery() for _ in range(1000)]
    assert len(set(made)) == 1000 and all(DELIVERY_ID.fullmatch(d) for d in made)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the child writes its next id and leaves at once
        os.write(writing, new_delivery().encode())
        os._exit(0)
    os.waitpid(child, 0)
    theirs = os.read(reading, 100).decode()
    os.close(reading)
    os.close(writing)
    assert DELIVERY_ID.fullmatch(theirs) and theirs[:12] != made[0][:12]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["messages", "box", "delivery", "limit", "notice"]),
        st.text(st.characters(blacklist_categories=("Cs",))),
    ),
    st.one_of(st.none(), st.integers(min_value=0, max_value=2**53)),
)
def test_a_fast_turns_json_is_the_bytes_the_route_would_send(
    texts: dict[str, str], number: int | None
) -> None:
    import asyncio

    from starlette.responses import JSONResponse

    from bot.web.chat_fetch import _answer

    content = {**texts, "last": number, "pending": number}
    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    asyncio.run(_answer(send, 200, content, False))
    assert sent[1]["body"] == JSONResponse(content).body
