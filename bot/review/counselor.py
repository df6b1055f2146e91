"""Review use-cases of the counselor: start, comment, request changes, approve, write the box."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.engine.localized import Localized
from bot.review import layout
from bot.review.queries import consultant_entry, latest_version, open_comments
from bot.review.service import Actor, ReviewRefused, move, refuse
from bot.review.states import Action
from storage import outbox
from storage.review import CommentRow, ConsultantEntryRow, SubmissionRow

MAX_TEXT = 2000
NOTICE_COMMENTS = Localized(
    "カウンセラーからコメントが届きました。「コメント」と送ると確認できます。",
    "Your counselor has sent comments. Send “comments” to read them.",
)
NOTICE_APPROVED = Localized(
    "カウンセラーがジョブ・カードを承認しました。",
    "Your counselor has approved your Job Card.",
)


def start_review(session: Session, submission: SubmissionRow, actor: Actor, now: datetime) -> None:
    """A counselor starts reviewing the newest version."""
    latest = latest_version(session, submission)
    number = latest.number if latest is not None else None
    move(session, submission, Action.START_REVIEW, actor, now.astimezone(UTC), version=number)


def _clean(text: str, what: Localized) -> str:
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ReviewRefused(
            Localized(f"{what.ja}を書いてください。", f"Please write the {what.en}.")
        )
    if len(text) > MAX_TEXT:
        raise refuse(
            f"Please keep it within {MAX_TEXT} characters.",
            f"{MAX_TEXT}文字以内で書いてください。",
        )
    return text


def add_comment(
    session: Session,
    submission: SubmissionRow,
    actor: Actor,
    target: str,
    body: str,
    now: datetime,
) -> CommentRow:
    """A counselor comments on a section, an entry or a field of the newest version."""
    move(session, submission, Action.COMMENT, actor, now)
    latest = latest_version(session, submission)
    assert latest is not None  # a submission in review always has a version
    if target not in layout.targets(latest.card):
        raise refuse(
            "Choose a part of the card to comment on.", "コメントする項目を選んでください。"
        )
    assert actor.staff_id is not None
    comment = CommentRow(
        submission_id=submission.id,
        version_number=latest.number,
        target=target,
        body=_clean(body, Localized("コメント", "comment")),
        author_id=actor.staff_id,
        author_name=actor.name,
        resolved=False,
        created_at=now.astimezone(UTC),
    )
    session.add(comment)
    session.flush()
    return comment


def request_changes(
    session: Session, submission: SubmissionRow, actor: Actor, note: str, now: datetime
) -> None:
    """Send the card back with the open comments; the person is told in chat (with the note)."""
    now = now.astimezone(UTC)
    note = note.replace("\r\n", "\n").strip()
    if not note and not open_comments(session, submission):
        raise refuse(
            "Write at least one comment (or an overall note) saying what to change.",
            "直してほしい点を、コメントか全体へのメモで1つ以上書いてください。",
        )
    latest = latest_version(session, submission)
    number = latest.number if latest is not None else None
    move(
        session, submission, Action.REQUEST_CHANGES, actor, now, version=number, note=note or None
    )
    outbox.schedule(
        session,
        submission.person_id,
        due_at=now,
        kind="message",
        payload={
            "ja": NOTICE_COMMENTS.ja + (f"\n\n【全体へのメモ】\n{note}" if note else ""),
            "en": NOTICE_COMMENTS.en + (f"\n\nOverall note:\n{note}" if note else ""),
        },
        now=now,
        key=f"review:{submission.public_id}:changes:{number}",
    )


def approve(
    session: Session, submission: SubmissionRow, actor: Actor, number: int, now: datetime
) -> None:
    """Approve version ``number`` (refused if a newer version came in meanwhile)."""
    now = now.astimezone(UTC)
    latest = latest_version(session, submission)
    if latest is None or latest.number != number:
        raise refuse(
            "A newer version has arrived: reload the page and check it first.",
            "新しい版が届いています。画面を更新して、新しい版を確認してください。",
        )
    move(session, submission, Action.APPROVE, actor, now, version=number)
    submission.approved_version = number
    entry = consultant_entry(session, submission)
    text = NOTICE_APPROVED
    if entry is not None:
        text = Localized(
            f"{text.ja}\n＜キャリアコンサルティング実施者の記入欄＞\n{entry.text}",
            f"{text.en}\nThe counselor's box:\n{entry.text}",
        )
    outbox.schedule(
        session,
        submission.person_id,
        due_at=now,
        kind="message",
        payload={"ja": text.ja, "en": text.en},
        now=now,
        key=f"review:{submission.public_id}:approved:{number}",
    )


def write_consultant_entry(
    session: Session,
    submission: SubmissionRow,
    actor: Actor,
    text: str,
    agreed: bool,
    now: datetime,
) -> ConsultantEntryRow:
    """Save the counselor's box; only points the person agreed to may be written there."""
    move(session, submission, Action.WRITE_ENTRY, actor, now)
    if not agreed:
        raise refuse(
            "Confirm that the person agreed to these points before saving.",
            "ご本人の同意を得た内容であることを確認し、チェックを入れてから保存してください。",
        )
    latest = latest_version(session, submission)
    assert latest is not None and actor.staff_id is not None
    entry = ConsultantEntryRow(
        submission_id=submission.id,
        version_number=latest.number,
        text=_clean(text, Localized("記入欄", "counselor's box")),
        agreed=True,
        staff_id=actor.staff_id,
        staff_name=actor.name,
        created_at=now.astimezone(UTC),
    )
    session.add(entry)
    session.flush()
    return entry
