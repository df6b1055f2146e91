"""Slack's App Home (progress per section, buttons to continue) and counselors' notices."""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels.slack_blocks import (
    HOME_SEND_PREFIX,
    HOME_START,
    REVIEW_LINK,
    VIEW_BLOCKS,
    Block,
    _plain,
    actions,
    button,
    escape,
    phrase,
)
from bot.engine import Localized, OpenSection, RunCommand, encode
from bot.review.notices import SubmissionNotice
from bot.service import Overview


@dataclass(frozen=True, slots=True)
class HomeAction:
    """A feature button on App Home: its label and the payload it sends to the service."""

    label: Localized
    payload: str


# The one place for App Home's feature buttons; each payload is one the engine understands.
HOME_ACTIONS: tuple[HomeAction, ...] = (
    HomeAction(Localized("ジョブ・カードを作成", "Make my Job Card"), encode(RunCommand("card"))),
    HomeAction(Localized("相談を予約する", "Book a consultation"), encode(OpenSection("booking"))),
)


def home_view(overview: Overview) -> Block:
    """App Home: each section's status with a button to open it, and a button to continue."""
    lang = overview.lang
    blocks: list[Block] = [{"type": "header", "text": _plain(phrase("home_title", lang))}]
    started = overview.consented is True
    if started:
        blocks.append({"type": "section", "text": _plain(phrase("home_intro", lang))})
        blocks.append({"type": "divider"})
        room = VIEW_BLOCKS - 5
        for index, section in enumerate(overview.sections[:room]):
            text = f"{section.title.get(lang)}\n{phrase('status_' + section.status, lang)}"
            open_button = button(
                phrase("home_open", lang),
                encode(OpenSection(section.dialog_id)),
                f"{HOME_SEND_PREFIX}m{index}",
            )
            block: Block = {"type": "section", "text": _plain(text)}
            if open_button is not None:
                block["accessory"] = open_button
            blocks.append(block)
    else:
        blocks.append({"type": "section", "text": _plain(phrase("home_new", lang))})
    start = button(
        phrase("home_resume" if started else "home_start", lang),
        "/start",
        HOME_START,
        primary=True,
    )
    features = [
        button(action.label.get(lang), action.payload, f"{HOME_SEND_PREFIX}a{index}")
        for index, action in enumerate(HOME_ACTIONS)
    ]
    blocks.extend(actions([start, *features]) if started else actions([start]))
    blocks.append({"type": "context", "elements": [_plain(phrase("home_help", lang))]})
    return {"type": "home", "blocks": blocks[:VIEW_BLOCKS]}


_STATES = {"submitted": ("新規提出", "new"), "resubmitted": ("再提出", "resubmitted")}


def submission_notice_text(notice: SubmissionNotice) -> str:
    """The plain-text line of a new-submission notice (for notifications and screen readers)."""
    ja, en = _STATES.get(notice.state, (notice.state, notice.state))
    version = f"・第{notice.version}版" if notice.version is not None else ""
    return (
        f"ジョブ・カードの{ja}があります（{notice.centre_name}{version}）。"
        f" / A Job Card was {en} to {notice.centre_name}."
    )


def submission_notice(notice: SubmissionNotice, web_url: str | None) -> list[Block]:
    """A new-submission notice for a counselors' channel, with a button to its review."""
    blocks: list[Block] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": escape(submission_notice_text(notice))},
        }
    ]
    if web_url:
        url = f"{web_url.rstrip('/')}/s/{notice.public_id}"
        button = {
            "type": "button",
            "action_id": REVIEW_LINK,
            "text": {"type": "plain_text", "text": "レビューを開く / Open the review"},
            "url": url,
        }
        blocks.append({"type": "actions", "elements": [button]})
    return blocks
