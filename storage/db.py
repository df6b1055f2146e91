"""Database engines and sessions: SQLite tuned for one writer at a time, PostgreSQL pooled."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    _SessionMaker = sessionmaker[Session]
else:
    _SessionMaker = object  # see SessionFactory: the ORM is imported when first used

WRITE = "jobcard_write"  # execution option: this connection's transaction will write
DEFAULT_BUSY_TIMEOUT = 30.0  # seconds a SQLite writer waits for another one to finish
# SQLite's WAL is copied into the database file by a thread of its own (see _Checkpointer),
# woken after this many writing commits (a turn adds about 6 pages to the WAL).
CHECKPOINT_EVERY = 100
# Pages in the WAL at which a commit checkpoints in the committing thread, as SQLite does by
# default at 1,000. With the checkpointer thread that commit finds nearly every page copied
# already: it copies the last few, and the next writer starts the WAL again from its first
# page. (The WAL starts again only when a writer begins with every page copied, which a
# checkpoint racing unbroken writing may never leave it: this bounds it at ~16 MB.)
AUTOCHECKPOINT_FALLBACK = 4_000
log = logging.getLogger(__name__)


class _Checkpointer:
    """Copies the WAL into the database file in a thread of its own, outside every turn.

    SQLite checkpoints in the commit that takes the WAL past ``wal_autocheckpoint`` pages:
    that turn wrote 1,000 pages and synced two files (5-13 ms instead of 0.7, a turn in
    every 150 or so: most of the p99). A PASSIVE checkpoint from another connection does the
    same work without waiting for or blocking writers; the sqlite3 module lets go of the
    interpreter while it runs, so it takes the other core, not the turn's. Durability is
    unchanged (the same ``synchronous`` level; a checkpoint only moves committed pages).
    The thread is started by the first commits and ends after a minute without any.
    """

    IDLE_SECONDS = 60.0

    def __init__(self, path: str, timeout: float) -> None:
        self._path = path
        self._timeout = timeout
        self._commits = 0
        self._guard = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def committed(self) -> None:
        """A writing transaction committed: wake the thread every ``CHECKPOINT_EVERY``."""
        self._commits += 1  # (approximate across threads: it only paces the checkpoints)
        if self._commits < CHECKPOINT_EVERY:
            return
        self._commits = 0
        with self._guard:
            # (Not alive after a fork: the child process starts a thread of its own.)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="sqlite-checkpoint", daemon=True
                )
                self._thread.start()
            self._wake.set()

    def _run(self) -> None:
        try:
            # mode=rw: never create a database file that was removed meanwhile.
            connection = sqlite3.connect(
                f"file:{self._path}?mode=rw",
                uri=True,
                timeout=self._timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error:
            log.debug("the checkpointer could not open the database", exc_info=True)
            with self._guard:
                self._thread = None
            return
        try:
            while True:
                self._wake.wait(self.IDLE_SECONDS)
                with self._guard:
                    if not self._wake.is_set():  # (looked at again under the guard)
                        self._thread = None
                        return
                    self._wake.clear()
                self._checkpoint(connection)
        except sqlite3.Error:
            log.debug("a checkpoint failed (commits checkpoint again)", exc_info=True)
            with self._guard:
                self._thread = None
        finally:
            connection.close()

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()


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
    checkpointer = None if in_memory else _Checkpointer(str(parsed.database), timeout)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_FALLBACK}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writes = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    if checkpointer is not None:

        @event.listens_for(engine, "commit")
        def _on_commit(connection: Any) -> None:
            if connection.get_execution_options().get(WRITE, False):
                checkpointer.committed()

    return engine


class SessionFactory(_SessionMaker):
    """Sessions whose ``begin()`` declares a writing transaction (``BEGIN IMMEDIATE``).

    ``sessions()`` is for reading: on SQLite it never queues behind a writer.
    ``sessions.begin()`` is the unit of work that writes and commits.

    A ``sessionmaker`` to the type checker and in use, but its ``sessionmaker`` (and with it
    SQLAlchemy's ORM, about a sixth of `jobcard chat`'s start) is made when first used: each
    message's unit of work (:meth:`begin_unit`) runs Core statements on a connection and
    makes an ORM session only if something in the turn uses one.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE: True})
        self._maker: sessionmaker[Session] | None = None

    def _sessions(self) -> sessionmaker[Session]:
        if self._maker is None:
            from sqlalchemy.orm import sessionmaker

            self._maker = sessionmaker(self._engine, expire_on_commit=False)
        return self._maker

    def __call__(self, **local_kw: Any) -> Session:
        """A session for reading (or for a unit of work the caller commits)."""
        return self._sessions()(**local_kw)

    def __getattr__(self, name: str) -> Any:
        # Everything else a sessionmaker has (``kw``, ``configure`` …), from the real one.
        return getattr(self._sessions(), name)

    def begin(self) -> contextlib.AbstractContextManager[Session]:
        """A session in a writing transaction, committed at the end of the block."""
        session = self._sessions()(bind=self._writer)
        return session._maker_context_manager()

    @contextlib.contextmanager
    def begin_unit(self) -> Iterator[Session]:
        """Like :meth:`begin`, with the transaction on a Core connection (each message's turn).

        What it yields is a :class:`Session` to its users, made only when the ORM is used:
        ``info`` and the connection (:func:`connection_of`) need none. The session is bound
        to the connection and begins no transaction of its own until the ORM is used (it
        then joins the connection's, and is flushed before the commit). Repository functions
        run their statements on the connection: the session's transaction bookkeeping would
        cost a turn more than a statement does.
        """
        with self._writer.begin() as connection:
            unit = _UnitSession(connection)
            try:
                yield cast("Session", unit)
                session = unit.made
                if session is not None and session.in_transaction():
                    session.flush()
            finally:
                session = unit.made
                if session is not None and (session.in_transaction() or session.identity_map):
                    session.close()  # (a session the turn never used holds nothing)


class _UnitSession:
    """The session of one :meth:`SessionFactory.begin_unit`, made when the ORM is first used.

    ``bind`` (the unit's connection) and ``info`` are its own; any other attribute makes
    the real ``Session`` (importing the ORM then, if nothing has yet) and is that session's.
    """

    def __init__(self, connection: Connection) -> None:
        self.bind = connection
        self.made: Session | None = None
        self._info: dict[Any, Any] = {}

    @property
    def info(self) -> dict[Any, Any]:
        """The session's ``info`` (the one dictionary, before and after it is made)."""
        return self._info if self.made is None else self.made.info

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session(), name)

    def _session(self) -> Session:
        if self.made is None:
            from sqlalchemy.orm import Session

            self.made = Session(
                bind=self.bind,
                expire_on_commit=False,
                join_transaction_mode="rollback_only",
                info=self._info,
            )
        return self.made


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
