"""Dialog loading: every broken fixture fails with its own rule, naming file, line and step."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import DialogLoadError, load_dialogs
from bot.engine.loader import build_dialog, parse_yaml
from dialogs import DIALOGS_DIR

BROKEN = Path(__file__).parent.parent / "fixtures" / "broken"

EXPECTED = {
    "yaml_syntax": (4, None),
    "schema": (7, "q1"),
    "duplicate_step": (8, "q1"),
    "duplicate_field": (8, "q2"),
    "dangling_next": (7, "q1"),
    "unreachable_step": (9, "q2"),
    "unknown_field": (10, "q2"),
    "bad_condition": (10, "q2"),
    "options": (6, "q1"),
    "duplicate_option": (8, "q1"),
    "bad_range": (5, "q1"),
    "bad_named": (9, "q1"),
    "bad_action": (7, "q1"),
    "bad_check": (7, "q1"),
    "id_mismatch": (1, None),
    "unknown_dialog": (1, None),
}


def test_every_rule_has_a_broken_fixture() -> None:
    assert {path.stem for path in BROKEN.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_broken_fixture_reports_its_rule(rule: str) -> None:
    with pytest.raises(DialogLoadError) as caught:
        load_dialogs([BROKEN / f"{rule}.yaml"])
    errors = caught.value.errors
    assert [error.rule for error in errors] == [rule]
    line, step = EXPECTED[rule]
    assert errors[0].line == line
    assert errors[0].step == step
    assert str(errors[0]).startswith(f"{BROKEN / f'{rule}.yaml'}:{line}:")


def test_all_errors_of_a_directory_are_reported_together() -> None:
    with pytest.raises(DialogLoadError) as caught:
        load_dialogs([BROKEN])
    assert len({error.file for error in caught.value.errors}) == len(EXPECTED)


def test_shipped_dialogs_load() -> None:
    loaded = load_dialogs([DIALOGS_DIR])
    assert {"onboarding", "profile"} <= set(loaded.catalog.latest)
    profile = loaded.catalog.latest["profile"]
    assert profile.steps[0].id == "name"


def test_duplicate_dialog_ids_across_files(tmp_path: Path) -> None:
    text = (DIALOGS_DIR / "profile.yaml").read_text(encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "profile.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DialogLoadError) as caught:
        load_dialogs([DIALOGS_DIR, tmp_path / "a"])
    assert [error.rule for error in caught.value.errors] == ["duplicate_dialog"]


def test_the_memos_dialog_id_is_reserved(tmp_path: Path) -> None:
    text = (DIALOGS_DIR / "profile.yaml").read_text(encoding="utf-8")
    (tmp_path / "memos.yaml").write_text(text.replace("id: profile", "id: memos", 1), "utf-8")
    with pytest.raises(DialogLoadError) as caught:
        load_dialogs([tmp_path])
    assert [error.rule for error in caught.value.errors] == ["reserved_dialog"]


def test_digest_changes_with_content_only() -> None:
    spec, lines = parse_yaml((DIALOGS_DIR / "profile.yaml").read_text(encoding="utf-8"), "p")
    first = build_dialog(spec, "p", lines)
    again = build_dialog(dict(spec), "elsewhere")
    spec["steps"][0]["prompt"] = {"ja": "氏名は？", "en": "Name?"}
    edited = build_dialog(spec, "p")
    assert first.digest == again.digest != edited.digest


def test_yaml_is_loaded_safely(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("!!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(DialogLoadError) as caught:
        load_dialogs([path])
    assert caught.value.errors[0].rule == "yaml_syntax"


_CHOICE = """id: q
version: 1
title: {{ja: 題, en: Title}}
steps:
  - id: q1
    ask: {ask}
    prompt: {{ja: 質問, en: Q}}
{extra}
"""
_TWO_OPTIONS = (
    "    options:\n"
    "      - {value: a, label: {ja: A, en: A}}\n"
    "      - {value: b, label: {ja: B, en: B}}"
)


@pytest.mark.parametrize(
    ("ask", "extra", "rule", "words"),
    [
        (
            "choice",
            "    options:\n"
            "      - {value: a, label: {ja: A, en: A}, range: [0, 19]}\n"
            "      - {value: b, label: {ja: B, en: B}, range: [19, 29]}",
            "bad_range",
            "overlaps 'a'",
        ),
        (
            "choice",
            "    options:\n"
            "      - {value: a, label: {ja: A, en: A}, range: [29, 20]}\n"
            "      - {value: b, label: {ja: B, en: B}}",
            "bad_range",
            "runs backwards",
        ),
        (
            "choice",
            "    options:\n"
            "      - {value: a, label: {ja: A, en: A}, range: [1]}\n"
            "      - {value: b, label: {ja: B, en: B}}",
            "schema",
            "range",
        ),
        ("number", "    named: {ふつう: 0}", "bad_named", "'scale'"),
        ("text", "    check: kana", "schema", "check"),
        ("choice", "    check: reading\n" + _TWO_OPTIONS, "bad_check", "'text' question"),
        ("scale", "    named: {'5': 3}", "bad_named", "reads as a number"),
    ],
)
def test_option_ranges_and_named_points_are_checked(
    tmp_path: Path, ask: str, extra: str, rule: str, words: str
) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(_CHOICE.format(ask=ask, extra=extra), encoding="utf-8")
    with pytest.raises(DialogLoadError) as caught:
        load_dialogs([path])
    assert [error.rule for error in caught.value.errors] == [rule]
    assert words in caught.value.errors[0].message


def test_shipped_age_bands_and_scale_points_load() -> None:
    catalog = load_dialogs([DIALOGS_DIR]).catalog
    age = catalog.latest["profile"].step("age_band")
    assert [o.number_range for o in age.answer.options][-2:] == [(50, 59), (60, 130)]
    lifeline = catalog.latest["lifeline"]
    score = lifeline.step("points").sub("score")
    assert ("ふつう", 0) in score.answer.named
