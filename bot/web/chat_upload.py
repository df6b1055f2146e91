"""The web chat's upload field: a 職務経歴書 file read into memory and handed to the service.

The file never touches the disk: the form is parsed with a spool as big as the limit (2 MB),
and a larger upload is not kept at all — its first bytes give the form's token, the rest is
read and dropped, and the person is told the file is too large.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.engine import Attachment
from bot.engine.messages import ATTACHMENT_LIMIT
from bot.web.chat_form import DELIVERY_ID
from bot.web.chat_security import identity_of
from bot.web.chat_turns import take_turn
from bot.web.deps import client_address
from bot.web.limits import TooManyRequestsError

_HEAD: Final = 16 * 1024
"""Room for the form's other fields (its token, the delivery id) around the file."""
_FIELD: Final = re.compile(rb'name="(csrf_token|delivery)"\r\n\r\n([^\r\n]*)')
_FILE: Final = re.compile(
    rb'name="document"; filename="([^"\r\n]*)"\r\nContent-Type: ([^\r\n]*)', re.I
)


class _InMemory(MultiPartParser):
    """A multipart parser that keeps a file up to the limit in memory (never a temp file)."""

    spool_max_size = ATTACHMENT_LIMIT + _HEAD


async def _capped(request: Request) -> AsyncGenerator[bytes, None]:
    """The body, refusing one that grows past the limit (a chunked upload has no length)."""
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > ATTACHMENT_LIMIT + _HEAD:
            raise HTTPException(413, "file too large")
        yield chunk


async def _too_large(request: Request, length: int) -> tuple[dict[str, str], Attachment]:
    """An upload over the limit: its fields from its first bytes, the file dropped unread."""
    head = b""
    async for chunk in request.stream():
        if len(head) < _HEAD:
            head += chunk[: _HEAD - len(head)]
    fields = {m[1].decode(): m[2].decode("utf-8", "replace") for m in _FIELD.finditer(head)}
    found = _FILE.search(head)
    name = found[1].decode("utf-8", "replace") if found else ""
    kind = found[2].decode("ascii", "replace") if found else ""
    return fields, Attachment(name, kind, b"", length)


async def _read(request: Request) -> tuple[dict[str, str], Attachment]:
    length = int(request.headers.get("content-length") or 0)
    if length > ATTACHMENT_LIMIT + _HEAD:
        return await _too_large(request, length)
    parser = _InMemory(request.headers, _capped(request), max_files=1, max_fields=4)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise HTTPException(400, exc.message) from None
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    file = form.get("document")
    if not isinstance(file, UploadFile):
        raise HTTPException(400, "no file")
    content = await file.read()
    await file.close()
    return fields, Attachment(file.filename or "", file.content_type or "", content, len(content))


async def upload(request: Request) -> Response:
    """A file from the upload field: a turn with it, then back to the conversation."""
    from bot.web.chat import _accepted, settings_of

    chat = settings_of(request)
    token = chat.keys.read(request)
    fields, attachment = await _read(request)
    if token is None or not chat.keys.csrf_ok(token, fields.get("csrf_token")):
        raise HTTPException(403, "missing or wrong CSRF token")
    delivery = fields.get("delivery", "")
    if DELIVERY_ID.fullmatch(delivery) is None:
        raise HTTPException(400, "missing delivery id")
    try:
        chat.limits.check_message(token, client_address(request))
    except TooManyRequestsError:
        return RedirectResponse("/#latest", status_code=303)
    shown = f"📎 {attachment.name or 'file'}"  # what the page shows the person sent
    identity, hint = identity_of(token), _accepted(request)
    await run_in_threadpool(
        take_turn, chat, identity, shown, None, delivery, hint, attachment=attachment
    )
    return RedirectResponse("/#latest", status_code=303)
