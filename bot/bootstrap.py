"""The composition root: build the database, dialogs and service once, from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.booking.actions import calendar_file
from bot.booking.config import load_config as load_booking_config
from bot.booking.wiring import booking_actions, booking_sources
from bot.catalog_cache import default_cache_dir, load_dialogs_cached
from bot.config import Settings, notify_order
from bot.documents import CardDocuments
from bot.documents.chat import LIFELINE_NAME, make_card
from bot.documents.links import DocumentLinks, ImageRenderer, link_settings
from bot.engine import Lang, LoadedDialogs, MakeCard
from bot.importing.wiring import attachment_reader, import_actions, import_sources
from bot.jobcard.card import build_jobcard
from bot.juku.wiring import juku_actions, juku_sources
from bot.review.wiring import review_actions, review_sources
from bot.service import JST, Clock, ConversationService, utc_now
from storage import ensure_schema, make_engine, make_session_factory
from storage.booking import BookingRow


@dataclass(frozen=True, slots=True)
class Runtime:
    """The parts of a running bot, built once."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    dialogs: LoadedDialogs
    service: ConversationService
    documents: CardDocuments = field(default_factory=CardDocuments)


def build_runtime(
    settings: Settings,
    *,
    dialogs: LoadedDialogs | None = None,
    clock: Clock = utc_now,
    migrate: bool = True,
) -> Runtime:
    """Build a runtime; tests pass their own dialogs or clock."""
    engine = make_engine(settings.database_url)
    if migrate:
        ensure_schema(engine)
    sessions = make_session_factory(engine)
    loaded = dialogs or load_dialogs_cached(
        settings.dialogs_dirs, settings.start_dialog, default_cache_dir()
    )
    documents = CardDocuments()
    booking = load_booking_config(settings.environ)
    service = ConversationService(
        sessions,
        loaded.catalog,
        loaded.specs,
        clock=clock,
        handlers={MakeCard: partial(make_card, documents=documents)},
        actions={
            **booking_actions(booking),
            **juku_actions(),
            **review_actions(),
            **import_actions(),
        },
        sources={
            **booking_sources(booking),
            **juku_sources(),
            **review_sources(),
            **import_sources(),
        },
        attachments=attachment_reader(),
        notify_order=notify_order(settings.environ),
    )
    return Runtime(settings, engine, sessions, loaded, service, documents)


def document_links(runtime: Runtime) -> DocumentLinks:
    """Document links for this server (``JOBCARD_PUBLIC_URL``, ``JOBCARD_SECRET_KEY``).

    Raises:
        MissingSettingError: One of the two is not set (the message names it).
    """
    public_url, secret = link_settings(runtime.settings)
    booking = load_booking_config(runtime.settings.environ)
    documents = runtime.documents

    def card_pdf(answers: dict[str, object], now: datetime) -> bytes:
        return documents.pdf(build_jobcard(answers, created_on=now.astimezone(JST).date()))

    def calendar(booking_row: BookingRow, cancelled: bool, now: datetime) -> bytes:
        return calendar_file(booking, booking_row, now, cancelled=cancelled).content

    return DocumentLinks(
        public_url, secret, card_pdf=card_pdf, calendar=calendar, images=chart_renderers()
    )


def chart_renderers() -> dict[str, ImageRenderer]:
    """The charts a link can draw again from answers (LINE shows pictures only by URL)."""

    def lifeline(answers: dict[str, object], _lang: Lang, now: datetime) -> bytes | None:
        from bot.documents.charts import lifeline_png

        card = build_jobcard(answers, created_on=now.astimezone(JST).date())
        return lifeline_png(card.lifeline)

    def money_plan(answers: dict[str, object], lang: Lang, _now: datetime) -> bytes | None:
        from bot.juku.money import plan_from_answers, what_ifs
        from bot.juku.money_chart import render_chart
        from bot.juku.money_report import variant_label

        try:
            plan, _used = plan_from_answers(answers)
        except ValueError:
            return None
        variants = what_ifs(plan)
        labels = {v.key: variant_label(v.key, plan, lang) for v in variants}
        return render_chart(variants, labels, lang)

    return {LIFELINE_NAME: lifeline, "money_plan.png": money_plan}
