"""The composition root: build the database, dialogs and service once, from settings."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from bot.catalog_cache import default_cache_dir, load_dialogs_cached
from bot.config import Settings, notify_order
from bot.engine import Lang, LoadedDialogs, MakeCard
from bot.service import (
    JST,
    Action,
    ActionResult,
    Clock,
    ConversationService,
    Deferred,
    EffectContext,
    SourceProvider,
    utc_now,
)
from storage import ensure_schema, make_engine, make_session_factory

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from bot.booking.config import BookingConfig
    from bot.documents import CardDocuments
    from bot.documents.links import DocumentLinks, ImageRenderer
    from bot.engine.messages import Attachment, Outbound
    from storage.booking import BookingRow

V = TypeVar("V")
log = logging.getLogger(__name__)

# What each feature adds to the chat, by the names dialogs use: its actions (``emit:``) and
# options sources (``options_from:``). The features are imported only when a turn first
# needs one of their names (or all at once, see ``build_runtime``): importing them all takes
# longer than the rest of `jobcard chat`'s start. A test checks these names against what
# each feature's wiring really provides.
FEATURE_NAMES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "booking": (
        frozenset(
            {
                "review_booking",
                "create_booking",
                "show_booking",
                "check_change",
                "cancel_booking",
                "reschedule_booking",
                "record_survey",
                "pick_later_date",
                "pick_later_new_date",
                "review_change",
            }
        ),
        frozenset(
            {
                "booking_places",
                "booking_dates",
                "booking_dates_later",
                "booking_times",
                "my_bookings",
                "booking_new_dates",
                "booking_new_dates_later",
                "booking_new_times",
            }
        ),
    ),
    "juku": (
        frozenset(
            {
                "join_cohort",
                "juku_go",
                "leave_cohort",
                "money_projection",
                "career_design_summary",
            }
        ),
        frozenset({"juku_todo"}),
    ),
    "review": (
        frozenset(
            {"submit_card", "review_show", "review_act", "review_resubmit", "review_withdraw"}
        ),
        frozenset({"review_centres", "review_comment_list"}),
    ),
    "importing": (
        frozenset(
            {"import_read", "import_decide", "import_fix_field", "import_answer", "import_resume"}
        ),
        frozenset({"import_choices", "import_fields"}),
    ),
}


@dataclass(frozen=True, slots=True)
class FeatureParts:
    """What one feature gives the service."""

    actions: Mapping[str, Action]
    sources: Mapping[str, SourceProvider]


class Features:
    """The features wired into the service, each imported when first needed.

    Safe across threads: the console loads them in the background while a person types,
    and the turn that needs one first waits for it rather than loading it twice.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.RLock()
        self._loaded: dict[str, FeatureParts] = {}
        self._documents: CardDocuments | None = None
        self._booking: BookingConfig | None = None

    def booking_config(self) -> BookingConfig:
        """The booking configuration (``JOBCARD_BOOKING_CONFIG`` or the built-in one)."""
        with self._lock:
            if self._booking is None:
                from bot.booking.config import load_config

                self._booking = load_config(self._settings.environ)
            return self._booking

    def documents(self) -> CardDocuments:
        """The card's renderer (PDF, HTML, Excel, Markdown), shared by every turn."""
        with self._lock:
            if self._documents is None:
                from bot.documents import CardDocuments

                self._documents = CardDocuments()
            return self._documents

    def parts(self, feature: str) -> FeatureParts:
        """One feature's actions and sources (importing it the first time)."""
        with self._lock:
            if feature not in self._loaded:
                self._loaded[feature] = self._load(feature)
            return self._loaded[feature]

    def load_all(self) -> None:
        """Import every feature now (servers, and the console once its prompt is shown)."""
        # First the engine's answer parsers, which the first typed answer needs (the first
        # prompt does not: `jobcard chat` shows it before they are imported).
        import bot.engine.answering  # noqa: F401

        # Then SQLAlchemy's ORM with the core tables' classes: a turn runs Core statements,
        # but the features' actions and the tools use ORM sessions.
        import storage.models  # noqa: F401

        for feature in FEATURE_NAMES:
            self.parts(feature)
        self.documents()
        from sqlalchemy.orm import configure_mappers

        from bot.documents import chat  # noqa: F401  (the card handler's module)

        configure_mappers()  # (else the first turn to use the ORM would do it)

    def preload(self) -> None:
        """``load_all`` in a background thread, while a person reads and types.

        The interpreter goes back to the other thread within 0.5 ms instead of 5 while it
        runs: the console's line editor and a turn wait for it at every read and write, so
        an answer typed at once is not slowed several times over. A failure is left to the
        turn that needs the part (which says what went wrong), never a traceback over the
        person's prompt.
        """
        interval = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)
        try:
            self.load_all()
        except Exception:
            log.debug("loading the features in the background failed", exc_info=True)
        finally:
            sys.setswitchinterval(interval)

    def _load(self, feature: str) -> FeatureParts:
        if feature == "booking":
            from bot.booking.wiring import booking_actions, booking_sources

            config = self.booking_config()
            return FeatureParts(booking_actions(config), booking_sources(config))
        if feature == "juku":
            from bot.juku.wiring import juku_actions, juku_sources

            return FeatureParts(juku_actions(), juku_sources())
        if feature == "review":
            from bot.review.wiring import review_actions, review_sources

            return FeatureParts(review_actions(), review_sources())
        if feature == "importing":
            from bot.importing.wiring import import_actions, import_sources

            return FeatureParts(import_actions(), import_sources())
        raise LookupError(feature)

    def actions(self) -> Mapping[str, Action]:
        """Every feature's actions by name, looked up (and loaded) on first use."""
        return _ByName(self, 0, lambda parts: parts.actions)

    def sources(self) -> Mapping[str, SourceProvider]:
        """Every feature's options sources by name, looked up (and loaded) on first use."""
        return _ByName(self, 1, lambda parts: parts.sources)

    def read_attachment(self, ctx: EffectContext, attachment: Attachment) -> ActionResult:
        """A file a person sent, read as a 職務経歴書 (the import feature)."""
        self.parts("importing")
        from bot.importing.wiring import attachment_reader

        return attachment_reader()(ctx, attachment)

    def make_card(self, ctx: EffectContext, effect: MakeCard) -> Sequence[Outbound | Deferred]:
        """The card asked for in chat (``bot.documents.chat``)."""
        from bot.documents.chat import make_card

        return make_card(ctx, effect, documents=self.documents())


class _ByName(Mapping[str, V]):
    """Names to a feature's callables; the feature is imported when a name is looked up."""

    def __init__(
        self, features: Features, kind: int, pick: Callable[[FeatureParts], Mapping[str, V]]
    ) -> None:
        self._features = features
        self._pick = pick
        self._owner = {name: f for f, names in FEATURE_NAMES.items() for name in names[kind]}

    def __getitem__(self, name: str) -> V:
        return self._pick(self._features.parts(self._owner[name]))[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._owner)

    def __len__(self) -> int:
        return len(self._owner)


@dataclass(frozen=True, slots=True)
class Runtime:
    """The parts of a running bot, built once."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    dialogs: LoadedDialogs
    service: ConversationService
    features: Features

    @property
    def documents(self) -> CardDocuments:
        """The card's renderer, made on first use (it imports Jinja and the templates)."""
        return self.features.documents()


def build_runtime(
    settings: Settings,
    *,
    dialogs: LoadedDialogs | None = None,
    clock: Clock = utc_now,
    migrate: bool = True,
    load_features: bool = True,
) -> Runtime:
    """Build a runtime; tests pass their own dialogs or clock.

    With ``load_features`` false a feature (booking, juku, review, import, the card's
    documents) is imported by the first turn that needs it, or by ``runtime.features
    .load_all()``: `jobcard chat` shows its first prompt sooner and loads them while the
    person reads it. Servers load them all first, so no person waits for an import and a
    broken booking configuration stops the server at start.
    """
    engine = make_engine(settings.database_url)
    if migrate:
        ensure_schema(engine)
    sessions = make_session_factory(engine)
    loaded = dialogs or load_dialogs_cached(
        settings.dialogs_dirs, settings.start_dialog, default_cache_dir()
    )
    features = Features(settings)
    if load_features:
        features.load_all()
    service = ConversationService(
        sessions,
        loaded.catalog,
        loaded.specs,
        clock=clock,
        handlers={MakeCard: features.make_card},
        actions=features.actions(),
        sources=features.sources(),
        attachments=features.read_attachment,
        notify_order=notify_order(settings.environ),
    )
    return Runtime(settings, engine, sessions, loaded, service, features)


def document_links(runtime: Runtime) -> DocumentLinks:
    """Document links for this server (``JOBCARD_PUBLIC_URL``, ``JOBCARD_SECRET_KEY``).

    Raises:
        MissingSettingError: One of the two is not set (the message names it).
    """
    from bot.booking.actions import calendar_file
    from bot.documents.links import DocumentLinks, link_settings
    from bot.jobcard.card import build_jobcard

    public_url, secret = link_settings(runtime.settings)
    booking = runtime.features.booking_config()
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
    from bot.documents.chat import LIFELINE_NAME
    from bot.jobcard.card import build_jobcard

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
