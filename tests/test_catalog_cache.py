"""The dialog catalog cache: read back when nothing changed, rebuilt when anything did."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.catalog_cache import load_dialogs_cached
from bot.engine import load_dialogs
from dialogs import DIALOGS_DIR


def _digests(loaded: object) -> dict[str, str]:
    catalog = loaded.catalog  # type: ignore[attr-defined]
    return {name: dialog.digest for name, dialog in catalog.latest.items()}


def test_the_cached_catalog_is_the_built_one_until_a_dialog_changes(tmp_path: Path) -> None:
    folder, cache = tmp_path / "dialogs", tmp_path / "cache"
    shutil.copytree(DIALOGS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    built = load_dialogs([folder], start="onboarding")
    first = load_dialogs_cached([folder], "onboarding", cache)
    assert _digests(first) == _digests(built)
    assert load_dialogs_cached([folder], "onboarding", cache) == built  # read back, the same
    [stored] = cache.glob("dialogs-*.pickle")
    again = load_dialogs_cached([folder], "onboarding", cache)
    assert _digests(again) == _digests(built) and list(cache.glob("dialogs-*.pickle")) == [stored]

    profile = folder / "profile.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    text = profile.read_text(encoding="utf-8").replace("お名前", "おなまえ", 1)
    profile.write_text(text, encoding="utf-8")
    changed = load_dialogs_cached([folder], "onboarding", cache)
    assert _digests(changed)["profile"] != _digests(built)["profile"]
    assert _digests(changed) == _digests(load_dialogs([folder], start="onboarding"))
    assert list(cache.glob("dialogs-*.pickle")) != [stored]  # the old one is gone


def test_a_damaged_or_unwritable_cache_only_means_building(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    built = load_dialogs_cached([DIALOGS_DIR], "onboarding", cache)
    [stored] = cache.glob("dialogs-*.pickle")
    stored.write_bytes(b"not a pickle")
    assert _digests(load_dialogs_cached([DIALOGS_DIR], "onboarding", cache)) == _digests(built)
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    assert _digests(load_dialogs_cached([DIALOGS_DIR], "onboarding", blocked)) == _digests(built)
