"""Review tests hash passwords with cheap argon2 parameters (the defaults take ~0.5 s each)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from bot.review import accounts


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    accounts._dummy_hash.cache_clear()
