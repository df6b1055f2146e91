"""uvicorn's HTTP protocol with a response's header and body written to the socket at once."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Larger writes go out at once, so a long download still meets the transport's flow control.
FLUSH_AT = 64 * 1024


class _OneWrite:
    """A transport whose writes within one step of the event loop go out as one.

    uvicorn writes a response's status line and headers as soon as they are known, then the
    body: two system calls and two packets on the connection, each waking the browser's
    side. A chat turn is one small response, so it then costs one of each. Everything else
    is the transport's own.
    """

    __slots__ = ("_loop", "_pending", "_size", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        """Keep ``data`` until the end of this step of the loop (or until there is a lot)."""
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(data)
        self._size += len(data)
        if self._size >= FLUSH_AT:
            self.flush()

    def writelines(self, pieces: Any) -> None:
        """Keep the pieces in order after what is kept already (as :meth:`write`)."""
        self.write(b"".join(pieces))

    def flush(self) -> None:
        """Write what is kept, in one piece."""
        if not self._pending:
            return
        data = b"".join(self._pending) if len(self._pending) > 1 else self._pending[0]
        self._pending.clear()
        self._size = 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        """Close once what is kept is written (as the transport itself does with its buffer)."""
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        """End the writing side once what is kept is written."""
        self.flush()
        self._transport.write_eof()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteProtocol(HttpToolsProtocol):
    """``jobcard web``'s HTTP/1.1 protocol: uvicorn's httptools one, one write a response."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """The connection, its writes gathered per step of the loop."""
        wrapped: Any = _OneWrite(transport, self.loop)
        super().connection_made(wrapped)
