"""The chat side of a review: submit, read each comment next to its answer, revise, resubmit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.engine import OpenSection, Text
from bot.engine.choices import Option
from bot.engine.localized import Lang, Localized
from bot.jobcard import build_jobcard, card_json
from bot.review import layout, queries
from bot.review import texts as T
from bot.review.diff import diff_cards
from bot.review.service import (
    OPEN_STATES,
    Actor,
    ReviewRefused,
    Submitted,
    card_answers,
    resolve,
    submit,
)
from bot.review.service import withdraw as withdraw_submission
from bot.review.states import STATE_LABELS, State
from bot.service import JST, ActionResult, EffectContext, SourceContext
from storage import repositories as repo
from storage.review import CentreRow, CommentRow, SubmissionRow

# Options sources are not told whose turn it is, so the submit action keeps the id of the
# person's submission among their own answers, where the comment list finds it.
SUBMISSION_REF = "submit.submission"
_EXCERPT = 30


def _lang(ctx: EffectContext) -> Lang:
    return "en" if ctx.lang == "en" else "ja"


def _say(ctx: EffectContext, text: Localized, **params: object) -> ActionResult:
    # Only our own templates are formatted: a refusal may quote a name with braces in it.
    lang = _lang(ctx)
    return ActionResult((Text(text.format(lang, **params) if params else text.get(lang)),))


def _answers(ctx: EffectContext) -> dict[str, Any]:
    return repo.current_answers(ctx.session, ctx.person_id)


def _forget(ctx: EffectContext, dialog: str, *fields: str) -> None:
    """Clear one-off answers, so the next round asks afresh instead of offering them again."""
    for field in fields:
        repo.save_answer(ctx.session, ctx.person_id, dialog, field, None, ctx.now)


def _by_public_id(session: Session, ref: Any) -> SubmissionRow | None:
    if not isinstance(ref, str):
        return None
    return session.scalar(select(SubmissionRow).where(SubmissionRow.public_id == ref))


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1] + "…"


def centres(ctx: SourceContext) -> Sequence[Option]:
    """The centres a card can be submitted to."""
    rows = list(ctx.session.scalars(select(CentreRow).order_by(CentreRow.id)))
    if not rows:
        return [Option("none", T.NO_CENTRES)]
    return [Option(row.code, Localized(row.name, row.name)) for row in rows]


def comment_list(ctx: SourceContext) -> Sequence[Option]:
    """The open comments (each with the part of the card it is about), then what to do."""
    submission = _by_public_id(ctx.session, ctx.answers.get(SUBMISSION_REF))
    if submission is None:
        return [Option("close", T.CLOSE_NOT_SUBMITTED)]
    latest = queries.latest_version(ctx.session, submission)
    card = latest.card if latest is not None else {}
    options = [
        Option(
            f"c{comment.id}",
            Localized(
                f"{layout.describe(comment.target, card, 'ja')}：{_excerpt(comment.body)}",
                f"{layout.describe(comment.target, card, 'en')}: {_excerpt(comment.body)}",
            ),
        )
        for comment in queries.open_comments(ctx.session, submission)
    ]
    close = T.CLOSE if options else T.CLOSE_NONE
    state = State(submission.state)
    if state == State.CHANGES_REQUESTED:
        options.append(Option("resubmit", T.OPTION_RESUBMIT))
    if state in OPEN_STATES:
        options.append(Option("withdraw", T.OPTION_WITHDRAW))
    return [*options, Option("close", close)]


def _comment(ctx: EffectContext, pick: Any) -> tuple[CommentRow, SubmissionRow] | None:
    """The picked comment, only if it belongs to this person's submission."""
    if not (isinstance(pick, str) and pick.startswith("c") and pick[1:].isdigit()):
        return None
    comment = ctx.session.get(CommentRow, int(pick[1:]))
    if comment is None:
        return None
    submission = ctx.session.get(SubmissionRow, comment.submission_id)
    if submission is None or submission.person_id != ctx.person_id:
        return None
    return comment, submission


def _working_card(ctx: EffectContext) -> dict[str, Any]:
    """The card as the person's answers are now (their working copy)."""
    answers = card_answers(_answers(ctx))
    return card_json(build_jobcard(answers, created_on=ctx.now.astimezone(JST).date()))


def show(ctx: EffectContext) -> ActionResult:
    """Show the picked comment next to the person's current answer (or how things stand)."""
    pick = _answers(ctx).get("review_comments.pick")
    found = _comment(ctx, pick)
    if found is None:
        _forget(ctx, "review_comments", "pick")
        return _status(ctx, pick)
    comment, _ = found
    card = _working_card(ctx)
    lang = _lang(ctx)
    return _say(
        ctx,
        T.COMMENT,
        where=layout.describe(comment.target, card, lang),
        body=comment.body,
        author=comment.author_name,
        number=comment.version_number,
        current=layout.text_at(comment.target, card, lang) or T.UNANSWERED.get(lang),
    )


def _status(ctx: EffectContext, pick: Any) -> ActionResult:
    submission = queries.person_submission(ctx.session, ctx.person_id)
    if submission is None or pick not in ("close", "resubmit"):
        return ActionResult()
    if pick == "resubmit":
        count = len(queries.open_comments(ctx.session, submission))
        return _say(ctx, T.OPEN_LEFT, count=count) if count else ActionResult()
    state = STATE_LABELS[State(submission.state)].get(_lang(ctx))
    return _say(ctx, T.STATUS, state=state, number=queries.version_count(ctx.session, submission))


def act(ctx: EffectContext) -> ActionResult:
    """Revise the commented answer, mark the comment as done, or go back to the list."""
    answers = _answers(ctx)
    choice = answers.get("review_comments.act")
    found = _comment(ctx, answers.get("review_comments.pick"))
    _forget(ctx, "review_comments", "pick", "act")
    if found is None:
        return _say(ctx, T.NO_COMMENT)
    comment, submission = found
    if choice == "revise":
        target = layout.follow_for(comment.target, _working_card(ctx))
        return ActionResult((Text(T.REVISE.get(_lang(ctx))),), follow=target)
    if choice == "resolve":
        try:
            with ctx.session.begin_nested():
                resolve(ctx.session, submission, comment.id, Actor.person(ctx.person_id), ctx.now)
        except ReviewRefused as refused:
            return _say(ctx, refused.reason)
        return ActionResult(
            (Text(T.RESOLVED.get(_lang(ctx))),), follow=OpenSection("review_comments")
        )
    return ActionResult(follow=OpenSection("review_comments"))


def _submit(ctx: EffectContext, centre_code: str) -> ActionResult:
    try:
        with ctx.session.begin_nested():
            result = submit(ctx.session, ctx.person_id, centre_code, ctx.now)
    except ReviewRefused as refused:
        return _say(ctx, refused.reason)
    dialog, field = SUBMISSION_REF.split(".")
    repo.save_answer(
        ctx.session, ctx.person_id, dialog, field, result.submission.public_id, ctx.now
    )
    if result.resubmitted:
        return _say(ctx, T.RESUBMITTED, number=result.number, changed=_changed(ctx, result))
    centre = ctx.session.get(CentreRow, result.submission.centre_id)
    return _say(ctx, T.SUBMITTED, number=result.number, centre=centre.name if centre else "")


def _changed(ctx: EffectContext, result: Submitted) -> int:
    """How many fields differ from the previous version."""
    new = queries.version(ctx.session, result.submission, result.number)
    if result.previous is None or new is None:
        return 0
    return len(diff_cards(result.previous.card, new.card, "ja"))


def submit_card(ctx: EffectContext) -> ActionResult:
    """Freeze the card as the next version and submit it to the chosen centre."""
    answers = _answers(ctx)
    _forget(ctx, "submit", "confirm")
    if answers.get("submit.confirm") is not True:
        return _say(ctx, T.NOT_SUBMITTED)
    return _submit(ctx, str(answers.get("submit.centre")))


def resubmit(ctx: EffectContext) -> ActionResult:
    """Resubmit the revised card to the centre that asked for changes."""
    answers = _answers(ctx)
    _forget(ctx, "review_comments", "resubmit")
    submission = queries.person_submission(ctx.session, ctx.person_id)
    if answers.get("review_comments.resubmit") is not True or submission is None:
        return _say(ctx, T.NOT_RESUBMITTED)
    centre = ctx.session.get(CentreRow, submission.centre_id)
    return _submit(ctx, centre.code if centre is not None else "")


def withdraw(ctx: EffectContext) -> ActionResult:
    """Withdraw the submission, once the person has confirmed."""
    answers = _answers(ctx)
    _forget(ctx, "review_comments", "withdraw")
    if answers.get("review_comments.withdraw") is not True:
        return _say(ctx, T.NOT_WITHDRAWN)
    try:
        with ctx.session.begin_nested():
            withdraw_submission(ctx.session, ctx.person_id, ctx.now)
    except ReviewRefused as refused:
        return _say(ctx, refused.reason)
    return _say(ctx, T.WITHDRAWN)
