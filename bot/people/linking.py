"""Linking identities into one person, inside the turn's own transaction.

Every inbound message is first routed from its identity to its person. 「連携」 makes a
one-time code; 「連携 123456」 from another identity joins the two: when both have answers
the person chooses which card to keep and the other one is exported to them first (its
answers also stay as history), when one side is empty its card is kept, and bookings,
submissions and memberships follow the person. After linking, the conversation continues
where the kept person is; the reply to 「連携」 shows the open question again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from sqlalchemy import update

from bot.engine import Choices, Document, Inbound, Outbound, Text, as_lang
from bot.engine.commands import LinkRequest, parse_link
from bot.engine.localized import Lang
from bot.engine.messages import Button
from bot.engine.payloads import RunCommand, decode, encode
from bot.people.texts import say
from storage import people
from storage import repositories as repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

JST_FORMAT = "%H:%M"


@dataclass(frozen=True, slots=True)
class Routed:
    """An inbound message addressed to its person, and what linking said before the turn."""

    inbound: Inbound
    said: Sequence[Outbound] = ()


def _request(inbound: Inbound) -> LinkRequest | None:
    if inbound.payload is not None:
        payload = decode(inbound.payload)
        if isinstance(payload, RunCommand) and payload.command.startswith(("link", "unlink")):
            return parse_link(payload.command)
        return None
    return parse_link(inbound.text) if inbound.text else None


class Linking:
    """Routes identities to people and carries out 「連携」, 「連携 CODE」 and 「連携解除」."""

    def __init__(self, jst: tzinfo) -> None:
        self._jst = jst

    def route(
        self,
        session: Session,
        inbound: Inbound,
        now: datetime,
        opened: repo.OpenedTurn | None = None,
    ) -> Routed:
        """The message for its person; a link request is carried out here, in this session.

        ``opened`` is the identity already resolved by the turn's first statement
        (``repo.open_turn``); without it the identity is looked up here.
        """
        identity = inbound.person_id
        if inbound.origin != "person":
            # A reminder or an action's outcome: the person did not use this identity now.
            person = opened.person_id if opened else people.resolve(session, identity)
            return Routed(replace(inbound, person_id=person))
        if opened is None:
            person = people.touch(session, identity, now)
        else:
            person = opened.person_id
            if opened.joined:
                people.seen(session, identity, now)
        request = _request(inbound)
        if request is None:
            return Routed(inbound if person == identity else replace(inbound, person_id=person))
        record = repo.lock_conversation(session, person, now, as_lang(inbound.lang_hint))
        lang = as_lang(record.lang)
        if request.unlink:
            return self._unlink(session, identity, person, lang, now)
        if request.code is None:
            code = people.new_code(session, person, identity, now)
            minutes = int(people.CODE_LIFETIME.total_seconds() // 60)
            said = Text(say("code", lang, code=code.code, minutes=minutes))
            return Routed(_again(person), (said,))
        return self._join(session, identity, person, request, lang, now)

    def _unlink(
        self, session: Session, identity: str, person: str, lang: Lang, now: datetime
    ) -> Routed:
        if not people.unlink(session, identity, now):
            return Routed(_again(person), (Text(say("not_linked", lang)),))
        # The identity is on its own now: it starts afresh, as a new person would.
        return Routed(_start(identity), (Text(say("unlinked", lang)),))

    def _join(
        self,
        session: Session,
        identity: str,
        person: str,
        request: LinkRequest,
        lang: Lang,
        now: datetime,
    ) -> Routed:
        until = people.locked_until(session, identity, now)
        if until is not None:
            return Routed(_again(person), (Text(say("locked", lang, until=self._time(until))),))
        code = people.find_code(session, request.code or "", now)
        if code is None:
            locked = people.record_failure(session, identity, now)
            if locked is not None:
                return Routed(
                    _again(person), (Text(say("locked", lang, until=self._time(locked))),)
                )
            left = people.MAX_FAILURES - people.failures(session, identity)
            return Routed(_again(person), (Text(say("wrong", lang, left=left)),))
        other = code.person_id
        if other == person:
            key = "own" if code.identity_id == identity else "already"
            return Routed(_again(person), (Text(say(key, lang)),))
        # Both conversations are locked, in one order, before anything moves between them.
        for locked_person in sorted((person, other)):
            repo.lock_conversation(session, locked_person, now)
        mine, theirs = people.has_answers(session, person), people.has_answers(session, other)
        if mine and theirs and request.keep is None:
            return Routed(_again(person), (self._which(session, person, other, code.code, lang),))
        if mine and theirs:
            keep, drop = (person, other) if request.keep == "here" else (other, person)
        elif mine:
            keep, drop = person, other
        else:
            keep, drop = other, person
        _carry_memos(session, keep, drop, now)
        said: list[Outbound] = [Text(say("linked", lang))]
        if mine and theirs:
            data = repo.export_person(session, drop) or {}
            content = json.dumps(data, ensure_ascii=False, indent=2).encode()
            said.append(
                Document("my-data.json", "application/json", content, say("exported", lang))
            )
            # The other card's answers stay with the person as history, never current.
            # (The ORM's classes load with the first link, not before `jobcard chat`'s
            # first prompt: every message passes through this module.)
            from storage.models import AnswerRow

            session.execute(
                update(AnswerRow)
                .where(AnswerRow.person_id == drop)
                .values(person_id=keep, is_current=False)
            )
        people.use_code(session, code.code)
        people.clear_failures(session, identity)
        people.join(session, keep, drop, now)
        people.touch(session, identity, now)  # the identity that linked is the one in use
        return Routed(_start(keep), said)

    def _which(self, session: Session, here: str, there: str, code: str, lang: Lang) -> Choices:
        def summary(person: str) -> str:
            answers = repo.current_answers(session, person)
            count = sum(not key.startswith(people.SETUP_DIALOGS) for key in answers)
            name = answers.get("profile.name") or say("no_name", lang)
            return say("card_summary", lang, name=name, count=count)

        return Choices(
            say("which", lang, here=summary(here), there=summary(there)),
            (
                Button(say("keep_here", lang), encode(RunCommand(f"link {code} here"))),
                Button(say("keep_there", lang), encode(RunCommand(f"link {code} there"))),
            ),
        )

    def _time(self, moment: datetime) -> str:
        return moment.astimezone(self._jst).strftime(JST_FORMAT)


def _again(person: str) -> Inbound:
    """The turn after a link reply: the open question once more (「連携」 changes nothing)."""
    return Inbound(person, payload=encode(RunCommand("link")), origin="service")


def _start(person: str) -> Inbound:
    """The turn after joining: welcome back to the kept card's open question."""
    return Inbound(person, payload=encode(RunCommand("start")), origin="service")


def _carry_memos(session: Session, keep: str, drop: str, now: datetime) -> None:
    """Give ``keep`` the memos of ``drop`` it does not have yet (before ``drop`` is joined).

    A card is chosen when two identities are linked, but memos are not part of a card: the
    person keeps all of them.
    """
    from bot.engine.memos import MEMO_DIALOG, field, items  # (loaded when linking)

    theirs = items(repo.current_answers(session, drop))
    if not theirs:
        return
    mine = items(repo.current_answers(session, keep))
    texts = {memo.get("text") for _, memo in mine}
    number = max((n for n, _ in mine), default=0)
    for _, memo in theirs:
        if memo.get("text") in texts:
            continue
        number += 1
        repo.save_answer(session, keep, MEMO_DIALOG, field(number), memo, now)
