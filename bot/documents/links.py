"""Documents handed over as signed, expiring links (``/d/TOKEN``), rendered when opened.

A link records which document, whose, and the person's answers at that moment (a frozen
version id), never the file: opening it renders the document again from those answers.
The token in the URL is the link's id signed with the server's secret (itsdangerous), so a
guessed or altered token is refused before the database is asked; the row limits its uses.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import MissingSettingError, Settings
from bot.engine import Document, Image
from bot.engine.localized import Lang, as_lang
from storage import repositories as repo
from storage import webchat
from storage.booking import BookingRow

LIFETIME = timedelta(hours=24)
USES = 5  # a download, a retry, another device: enough, yet not a file to pass around
# A picture in a chat (LINE) is fetched by the platform and again by each device that opens it.
IMAGE_USES = 20
PREVIEW_SIZE = (480, 480)  # LINE's preview image: small, under its 1 MB limit
_SALT = "jobcard-document-link"
_ICS = re.compile(r"consultation-(\d+)(-cancelled)?\.ics")
CARD_PDF = "jobcard.pdf"
MY_DATA = "my-data.json"


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """A document rendered for a link."""

    filename: str
    media_type: str
    content: bytes


CardRenderer = Callable[[dict[str, object], datetime], bytes]
# A chart drawn again from the answers (the life-line chart …); None when there is nothing to draw.
ImageRenderer = Callable[[dict[str, object], Lang, datetime], bytes | None]
CalendarRenderer = Callable[[BookingRow, bool, datetime], bytes]


def link_settings(settings: Settings) -> tuple[str, bytes]:
    """``JOBCARD_PUBLIC_URL`` and ``JOBCARD_SECRET_KEY``, which links need.

    Raises:
        MissingSettingError: One is missing (the message names it).
    """
    public_url = settings.require("JOBCARD_PUBLIC_URL").rstrip("/")
    if not public_url.startswith(("https://", "http://")):
        raise MissingSettingError(
            "JOBCARD_PUBLIC_URL must be the address people open, e.g. https://jobcard.example.org"
        )
    return public_url, settings.require("JOBCARD_SECRET_KEY").encode()


class DocumentLinks:
    """Makes and opens document links for one server (its public address and secret)."""

    def __init__(
        self,
        public_url: str,
        secret: bytes,
        *,
        card_pdf: CardRenderer,
        calendar: CalendarRenderer | None = None,
        images: dict[str, ImageRenderer] | None = None,
        lifetime: timedelta = LIFETIME,
        uses: int = USES,
    ) -> None:
        self.public_url = public_url.rstrip("/")
        self.lifetime = lifetime
        self.uses = uses
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self._card_pdf = card_pdf
        self._calendar = calendar
        self._images = dict(images or {})

    @staticmethod
    def kind_of(document: Document) -> tuple[str, str | None] | None:
        """Which renderer can make ``document`` again, and what it needs (None: none can)."""
        if document.filename == CARD_PDF:
            return "card_pdf", None
        if document.filename == MY_DATA:
            return "my_data", None
        found = _ICS.fullmatch(document.filename)
        if found is not None:
            return "calendar", f"{found.group(1)}{found.group(2) or ''}"
        return None

    def issue(
        self, session: Session, person_id: str, document: Document, now: datetime
    ) -> str | None:
        """A link to ``document`` for ``person_id``, made from their answers as they are now."""
        kind = self.kind_of(document)
        if kind is None:
            return None
        link = webchat.add_link(
            session,
            person_id,
            kind=kind[0],
            filename=document.filename,
            reference=kind[1],
            uses=self.uses,
            expires_at=now + self.lifetime,
            now=now,
        )
        return f"{self.public_url}/d/{self._serializer.dumps(link.id)}"

    def issue_image(
        self, session: Session, person_id: str, image: Image, lang: Lang, now: datetime
    ) -> tuple[str, str] | None:
        """Links to a chart and to its preview (as LINE asks for); None if it can't be redrawn."""
        if image.filename not in self._images:
            return None
        urls = []
        for reference in (lang, f"{lang}:preview"):
            link = webchat.add_link(
                session,
                person_id,
                kind="image",
                filename=image.filename,
                reference=reference,
                uses=IMAGE_USES,
                expires_at=now + self.lifetime,
                now=now,
            )
            urls.append(f"{self.public_url}/d/{self._serializer.dumps(link.id)}")
        return urls[0], urls[1]

    def take(self, session: Session, token: str, now: datetime) -> webchat.DocumentLink | None:
        """The link behind ``token``, used once; None when forged, expired or used up."""
        try:
            link_id = self._serializer.loads(token, max_age=int(self.lifetime.total_seconds()))
        except BadSignature:
            return None
        if not isinstance(link_id, str):
            return None
        return webchat.take_link(session, link_id, now)

    def render(
        self, session: Session, link: webchat.DocumentLink, now: datetime
    ) -> RenderedDocument | None:
        """The document of a link, from the answers frozen when it was made."""
        answers = webchat.answers_as_of(session, link.person_id, link.version)
        if link.kind == "card_pdf":
            pdf = self._card_pdf(answers, now)
            return RenderedDocument(link.filename, "application/pdf", pdf)
        if link.kind == "my_data":
            data = repo.export_person(session, link.person_id) or {}
            data["answers"] = answers
            content = json.dumps(data, ensure_ascii=False, indent=2).encode()
            return RenderedDocument(link.filename, "application/json", content)
        if link.kind == "calendar" and self._calendar is not None and link.reference:
            booking_id = link.reference.removesuffix("-cancelled")
            booking = session.execute(
                select(BookingRow).where(
                    BookingRow.id == int(booking_id), BookingRow.person_id == link.person_id
                )
            ).scalar_one_or_none()
            if booking is None:
                return None
            ics = self._calendar(booking, link.reference.endswith("-cancelled"), now)
            return RenderedDocument(link.filename, "text/calendar", ics)
        if link.kind == "image" and link.filename in self._images:
            lang, _, variant = (link.reference or "ja").partition(":")
            png = self._images[link.filename](answers, as_lang(lang), now)
            if png is None:
                return None
            content = _preview(png) if variant == "preview" else png
            return RenderedDocument(link.filename, "image/png", content)
        return None


def _preview(png: bytes) -> bytes:
    """A smaller copy of a PNG (Pillow comes with matplotlib)."""
    from PIL import Image as Picture

    with Picture.open(io.BytesIO(png)) as picture:
        picture.thumbnail(PREVIEW_SIZE)
        out = io.BytesIO()
        picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def attachment_header(filename: str) -> str:
    """``Content-Disposition`` for a download, safe for any file name (RFC 6266)."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "document"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
