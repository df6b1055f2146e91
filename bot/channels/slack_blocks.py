"""Block Kit for Slack as plain dicts: messages, answered messages, the modal and App Home."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.channels import kit
from bot.channels.kit import clip
from bot.engine import Choices, Document, Image, Lang, Localized, Outbound, Text

__all__ = ["clip"]  # used by the Slack channel too

Block = dict[str, Any]
L = Localized

# Slack's published limits (docs.slack.dev/reference/block-kit).
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
SECTION_TEXT = 3000
CONTEXT_TEXT = 2000
FALLBACK_TEXT = 3000
TEXT_INPUT = 3000
ANSWER_EXCERPT = 200
# A question's buttons: one actions block's worth, the text a button shows, its value.
BUTTONS = kit.ButtonLimits(count=ACTIONS_ELEMENTS, label=BUTTON_TEXT, payload_bytes=BUTTON_VALUE)

OPTION_PREFIX = "jc:opt:"
ACTION_PREFIX = "jc:act:"
TEXT_BOX = "jc:textbox"
HOME_START = "jc:home:start"
HOME_SEND_PREFIX = "jc:home:send:"
ANSWER_VIEW = "jc:answer"
QUESTION_BLOCK = "jc:q:"
REVIEW_LINK = "jc:review:open"

STRINGS: dict[str, Localized] = {
    "answered": L("✅ 回答: {label}", "✅ Answered: {label}"),
    "pressed": L("✅ {label}", "✅ {label}"),
    "choose": L("ボタンから選んでください。", "Please choose with a button."),
    "text_box": L("✍️ 入力欄を開く", "✍️ Open a text box"),
    "modal_title": L("回答の入力", "Your answer"),
    "modal_submit": L("送信する", "Send"),
    "modal_close": L("キャンセル", "Cancel"),
    "modal_label": L("回答", "Your answer"),
    "modal_hint": L("改行もそのまま送れます。", "Line breaks are kept as they are."),
    "home_title": L("ジョブ・カード作成コーチ", "Job Card coach"),
    "home_intro": L(
        "各項目の進み具合です。ボタンを押すと、メッセージタブで続きをお送りします。",
        "Your progress in each section. Press a button and the conversation continues "
        "in the Messages tab.",
    ),
    "home_new": L(
        "まだ始めていません。「はじめる」を押すと、メッセージタブで最初の質問をお送りします。",
        "You haven't started yet. Press “Start” and the first question arrives in the "
        "Messages tab.",
    ),
    "home_help": L(
        "メッセージタブで「ヘルプ」と送ると、使えることばの一覧が表示されます。"
        "ほかのアプリやブラウザでも続けたいときは「連携」と送ってください。",
        "Send “help” in the Messages tab for the list of words you can use. To continue "
        "in another app or the browser too, send “link”.",
    ),
    "home_start": L("▶️ はじめる", "▶️ Start"),
    "home_resume": L("▶️ 続きから再開", "▶️ Continue"),
    "home_open": L("開く", "Open"),
    "status_done": L("✅ 完了", "✅ Done"),
    "status_partial": L("✏️ 途中", "✏️ In progress"),
    "status_todo": L("⬜ 未着手", "⬜ Not started"),
    "send_failed": L(
        "申し訳ありません。Slackへの表示に失敗しました。回答は保存されています。"
        "「はじめる」と送ると、いまの質問をもう一度表示します。",
        "Sorry, I couldn't show that in Slack. Your answers are saved. "
        "Send “start” to see the current question again.",
    ),
}


def phrase(key: str, lang: Lang, **params: object) -> str:
    """A Slack-specific string in ``lang``."""
    return STRINGS[key].format(lang, **params)


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One chat.postMessage: the blocks and the plain fallback used in notifications."""

    text: str
    blocks: list[Block]


def escape(text: str) -> str:
    """Escape Slack's three control characters so that text is never read as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo Slack's escaping of a message someone typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def split_text(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters, at line breaks if possible."""
    return kit.split_text(text, limit, measure=len) or ["…"]


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def sections(text: str, block_prefix: str | None = None) -> list[Block]:
    """Plain-text section blocks for ``text`` (plain text, so answers are never markup)."""
    blocks: list[Block] = []
    for index, piece in enumerate(split_text(text)):
        block: Block = {"type": "section", "text": _plain(piece)}
        if block_prefix is not None:
            block["block_id"] = f"{block_prefix}{index}"
        blocks.append(block)
    return blocks


def button(label: str, value: str, action_id: str, *, primary: bool = False) -> Block | None:
    """A button, or None when its value is too long for Slack (it can still be typed)."""
    if len(value) > BUTTON_VALUE:
        return None
    element: Block = {
        "type": "button",
        "text": _plain(clip(label, BUTTON_TEXT)),
        "value": value,
        "action_id": action_id,
    }
    if primary:
        element["style"] = "primary"
    return element


def actions(elements: Iterable[Block | None]) -> list[Block]:
    """Actions blocks holding ``elements``, at most 25 to a block."""
    kept = [element for element in elements if element is not None]
    return [
        {"type": "actions", "elements": kept[start : start + ACTIONS_ELEMENTS]}
        for start in range(0, len(kept), ACTIONS_ELEMENTS)
    ]


def _fallback(blocks: Sequence[Block], lang: Lang) -> str:
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    return escape(clip("\n".join(texts), FALLBACK_TEXT)) if texts else phrase("choose", lang)


def _messages(blocks: list[Block], lang: Lang) -> list[SlackMessage]:
    return [
        SlackMessage(_fallback(chunk, lang), chunk)
        for chunk in (
            blocks[start : start + MESSAGE_BLOCKS]
            for start in range(0, len(blocks), MESSAGE_BLOCKS)
        )
    ]


def choices_blocks(choices: Choices, lang: Lang) -> list[Block]:
    """A question: its text, answer buttons, then extra buttons (and a text box if free text).

    The buttons are the channel kit's fitting within Slack's limits: the options are written
    out as a numbered list when a label is longer than a button shows or there are more than
    one actions block holds.
    """
    question = kit.fit_choices(choices, BUTTONS)
    options = [
        button(b.label, b.payload, f"{OPTION_PREFIX}{n}") for n, b in enumerate(question.options)
    ]
    extras = [
        button(b.label, b.payload, f"{ACTION_PREFIX}{n}") for n, b in enumerate(question.actions)
    ]
    if not choices.options:
        # A free-text question: long answers are easier to write in a modal than in the composer.
        extras.insert(0, button(phrase("text_box", lang), lang, TEXT_BOX))
    return [*sections(question.text, QUESTION_BLOCK), *actions(options), *actions(extras)]


def plan(replies: Sequence[Outbound], lang: Lang) -> list[SlackMessage | Image | Document]:
    """What to post, in order: consecutive texts share a message, each question gets its own.

    A question stands alone so that its message can later be rewritten as "answered" from
    the question's own blocks.
    """
    planned: list[SlackMessage | Image | Document] = []
    texts: list[str] = []

    def flush() -> None:
        if texts:
            planned.extend(_messages(sections("\n\n".join(texts)), lang))
            texts.clear()

    for reply in replies:
        if isinstance(reply, Text):
            texts.append(reply.text)
            continue
        flush()
        if isinstance(reply, Choices):
            planned.extend(_messages(choices_blocks(reply, lang), lang))
        else:
            planned.append(reply)
    flush()
    return planned


def answered(blocks: Sequence[Block], line: str) -> SlackMessage:
    """A question message without its buttons, ending in a line saying what was answered."""
    kept = [block for block in blocks if block.get("type") != "actions"][: MESSAGE_BLOCKS - 1]
    context = {"type": "context", "elements": [_plain(clip(line, CONTEXT_TEXT))]}
    return SlackMessage(escape(clip(line, FALLBACK_TEXT)), [*kept, context])


def answer_line(label: str, *, option: bool, lang: Lang) -> str:
    """「✅ 回答: 50代」 for an answer button, 「✅ スキップ」 for any other button."""
    return phrase("answered" if option else "pressed", lang, label=label)


def question_blocks(blocks: Sequence[Block]) -> list[Block]:
    """The section blocks holding a question's text (from a message or a modal)."""
    return [
        {"type": "section", "text": block["text"], "block_id": block["block_id"]}
        for block in blocks
        if block.get("type") == "section"
        and str(block.get("block_id", "")).startswith(QUESTION_BLOCK)
    ]


def text_box_modal(question: Sequence[Block], lang: Lang, metadata: str) -> Block:
    """A modal with the question and a multiline text input; its submission is the answer."""
    field = {
        "type": "input",
        "block_id": ANSWER_VIEW,
        "label": _plain(phrase("modal_label", lang)),
        "hint": _plain(phrase("modal_hint", lang)),
        "element": {
            "type": "plain_text_input",
            "action_id": ANSWER_VIEW,
            "multiline": True,
            "max_length": TEXT_INPUT,
            "focus_on_load": True,
        },
    }
    return {
        "type": "modal",
        "callback_id": ANSWER_VIEW,
        "private_metadata": metadata,
        "title": _plain(phrase("modal_title", lang)),
        "submit": _plain(phrase("modal_submit", lang)),
        "close": _plain(phrase("modal_close", lang)),
        "blocks": [*question_blocks(question)[: VIEW_BLOCKS - 1], field],
    }


def submitted_text(view: Block) -> str:
    """The text typed into the modal."""
    value = view["state"]["values"][ANSWER_VIEW][ANSWER_VIEW].get("value")
    return str(value or "")
