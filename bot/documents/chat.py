"""The 「ジョブ・カードを作成」 effect: a short preview, the life-line chart and the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from bot.documents.context import SHEET_KEYS
from bot.documents.english import preview_text
from bot.documents.preview import CHAT_LIMIT, split_message
from bot.documents.renderer import CardDocuments
from bot.engine import Document, Image, MakeCard, Outbound, Text, as_lang
from bot.engine.localized import Lang
from bot.jobcard import JobCard
from bot.jobcard.loading import load_jobcard
from bot.service import JST, Deferred, EffectContext

OFFICIAL_SHEETS = tuple(key for key in SHEET_KEYS if key != "ref")
PDF_NAME = "jobcard.pdf"
LIFELINE_NAME = "lifeline.png"

_TEXTS: dict[str, dict[Lang, str]] = {
    "intro": {
        "ja": "ジョブ・カードを作成しました。いまの回答を、様式1〜3-2の形にまとめています。",
        "en": "Here is what your Job Card says so far. The PDF is the official form, "
        "which is in Japanese.",
    },
    "more": {
        "ja": "（続きはPDFをご覧ください）",
        "en": "(The rest is in the PDF.)",
    },
    "lifeline": {
        "ja": "ライフラインチャートです。",
        "en": "Your life-line chart.",
    },
    "pdf": {
        "ja": "ジョブ・カード（A4・PDF）です。印刷して面談や応募にお使いいただけます。"
        "＜キャリアコンサルティング実施者の記入欄＞は、キャリアコンサルタントが記入する欄のため"
        "空欄にしています。",
        "en": "Your Job Card as an A4 PDF, ready to print for a consultation or an "
        "application. The career consultant's box (キャリアコンサルティング実施者の記入欄) "
        "is left blank: a career consultant fills it in.",
    },
    "failed": {
        "ja": "申し訳ありません。ジョブ・カードの作成中に問題が起きたため、"
        "お送りできませんでした。回答はすべて保存されています。"
        "少し時間をおいてから、もう一度「ジョブ・カードを作成」をお選びください。",
        "en": "Sorry, something went wrong while making your Job Card, so it could not be "
        "sent. All your answers are saved. Please wait a little and choose "
        '"Make my Job Card" again.',
    },
    "nothing": {
        "ja": "まだ回答がありません。メニューから項目を選んで、記入を始めてください。",
        "en": "There are no answers yet. Choose a section from the menu to begin.",
    },
}


def _preview(intro: str, text: str, more: str) -> str:
    """The intro and the preview's first part, with room kept so it fits one message."""
    # One message: within Telegram's limit and a Slack section's, intro and "more" included.
    chunks = split_message(text, CHAT_LIMIT - len(intro) - len(more) - 4)
    return f"{intro}\n\n{chunks[0]}" + (f"\n\n{more}" if len(chunks) > 1 else "")


def make_card(
    ctx: EffectContext, effect: MakeCard, *, documents: CardDocuments
) -> Sequence[Outbound | Deferred]:
    """Read the person's card in the turn; render it after the commit (it takes a second).

    The preview, the life-line chart and the PDF are all made before any is sent, so a
    failure sends none of them, only a message saying so.
    """
    del effect  # carries no data: the card is read from what is stored
    lang = as_lang(ctx.lang)
    card = load_jobcard(ctx.session, ctx.person_id, ctx.now.astimezone(JST).date())
    if card is None:
        return (Text(_TEXTS["nothing"][lang]),)
    return (Deferred(partial(render_card, card, lang, documents), Text(_TEXTS["failed"][lang])),)


def render_card(card: JobCard, lang: Lang, documents: CardDocuments) -> list[Outbound]:
    """A preview, the life-line chart (once there are life-line answers) and the PDF.

    The life-line PNG sent in chat is the same image embedded in the PDF, drawn once.
    """
    # matplotlib is imported on first use: start-up of every other command stays quick.
    from bot.documents.charts import lifeline_png

    if lang == "en":
        text = preview_text(card, OFFICIAL_SHEETS)  # the form is Japanese; the chat need not be
    else:
        text = documents.preview(card, OFFICIAL_SHEETS)
    replies: list[Outbound] = [Text(_preview(_TEXTS["intro"][lang], text, _TEXTS["more"][lang]))]
    # Charts are cached by content: the PNG drawn for the PDF is the one sent here.
    charts = documents.charts(card, "png")
    chart = lifeline_png(card.lifeline)
    if chart is not None:
        replies.append(Image(LIFELINE_NAME, chart, _TEXTS["lifeline"][lang]))
    pdf = documents.pdf(card, charts=charts)
    replies.append(Document(PDF_NAME, "application/pdf", pdf, _TEXTS["pdf"][lang]))
    return replies
