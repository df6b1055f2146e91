"""Database engines and sessions: SQLite tuned for one writer at a time, PostgreSQL pooled."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

WRITE = "jobcard_write"  # execution option: this connection's transaction will write
DEFAULT_BUSY_TIMEOUT = 30.0  # seconds a SQLite writer waits for another one to finish


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url``.

    On SQLite a transaction that will write (a connection with the ``WRITE`` execution
    option, as every ``sessions.begin()`` of :func:`make_session_factory` has) starts with
    ``BEGIN IMMEDIATE``, so two processes handling messages of one conversation are
    serialized instead of failing on a lock upgrade. Reads start with a plain ``BEGIN``:
    with WAL they never wait for a writer. ``?timeout=SECONDS`` in a SQLite URL sets how
    long a writer waits for the lock (30 s by default).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # No ping before each checkout (a round trip per turn): a connection the server
        # dropped fails its first statement, and the service runs the turn again.
        return create_engine(url, echo=echo)
    raw_timeout = parsed.query.get("timeout")
    timeout = float(raw_timeout) if isinstance(raw_timeout, str) else DEFAULT_BUSY_TIMEOUT
    parsed = parsed.difference_update_query(["timeout"])
    in_memory = parsed.database in (None, "", ":memory:")
    options: dict[str, Any] = {"connect_args": {"timeout": timeout, "check_same_thread": False}}
    if in_memory:
        options["poolclass"] = StaticPool
    engine = create_engine(parsed, echo=echo, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writes = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


class SessionFactory(sessionmaker[Session]):
    """Sessions whose ``begin()`` declares a writing transaction (``BEGIN IMMEDIATE``).

    ``sessions()`` is for reading: on SQLite it never queues behind a writer.
    ``sessions.begin()`` is the unit of work that writes and commits.
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, expire_on_commit=False)
        self._writer = engine.execution_options(**{WRITE: True})

    def begin(self) -> contextlib.AbstractContextManager[Session]:
        """A session in a writing transaction, committed at the end of the block."""
        session = self(bind=self._writer)
        return session._maker_context_manager()

    @contextlib.contextmanager
    def begin_unit(self) -> Iterator[Session]:
        """Like :meth:`begin`, with the transaction on a Core connection (each message's turn).

        The session is bound to the connection and begins no transaction of its own until
        the ORM is used (it then joins the connection's, and is flushed before the commit).
        Repository functions run their statements on the connection (:func:`connection_of`):
        the session's transaction bookkeeping would cost a turn more than a statement does.
        """
        with self._writer.begin() as connection:
            session = Session(
                bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
            try:
                yield session
                if session.in_transaction():
                    session.flush()
            finally:
                if session.in_transaction() or session.identity_map:
                    session.close()  # (a session the turn never used holds nothing)


def connection_of(session: Session) -> Connection:
    """The connection for Core statements in ``session``'s transaction.

    In a :meth:`SessionFactory.begin_unit` block, the connection the session is bound to
    (nothing more to begin); otherwise ``session.connection()``.
    """
    bind = session.bind
    if isinstance(bind, Connection) and bind.in_transaction():
        return bind
    return session.connection()


def make_session_factory(engine: Engine) -> SessionFactory:
    """A session factory; objects stay usable after commit (they never leave storage)."""
    return SessionFactory(engine)
