"""The card laid out by key (labels, texts, where to revise) and the diff between versions."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.documents.sheets import document_context
from bot.engine import encode
from bot.jobcard import build_jobcard, card_json
from bot.review import layout
from bot.review.diff import diff_cards
from tests.documents.cards import rich_card


def _follow(key: str, card: dict[str, Any]) -> str | None:
    payload = layout.follow_for(key, card)
    return None if payload is None else encode(payload)


def _card(**answers: Any) -> dict[str, Any]:
    values = {key.replace("__", "."): value for key, value in answers.items()}
    return card_json(build_jobcard(values, created_on=date(2026, 11, 22)))


JOB = {
    "period": {"start": "2015-04", "end": None},
    "employer": "みなと商事",
    "employment_type": "regular",
    "duties": "法人営業",
    "learned": None,
}


def test_fields_have_official_labels_and_readable_texts() -> None:
    card = _card(profile__name="山田 花子", work_history__jobs=[JOB])
    flat = layout.flatten(card, "ja")
    label, text = flat["work_history.0.period"]
    assert label == "様式2 職務経歴シート › 勤務先 1：みなと商事 › 期間"
    assert text == "2015年4月～現在"
    assert flat["work_history.0.employment_type"][1] == "正社員"
    assert flat["work_history.0.learned"] == (
        "様式2 職務経歴シート › 勤務先 1：みなと商事 › "
        "＜職務の中で学んだこと、得られた知識・技能等＞",
        None,
    )
    assert flat["career_plan.strengths"][0].endswith("› 強みなど")
    assert layout.flatten(card, "en")["work_history.0.period"][1] == "Apr 2015 – present"


def test_form_1_2_uses_its_own_headings_and_questions() -> None:
    card = _card(profile__has_experience=False, career_plan__good_at="人と話すこと")
    assert layout.describe("career_plan.strengths", card, "ja").endswith("得意なこと・苦手なこと")
    assert layout.text_at("career_plan.strengths", card, "ja") == "人と話すこと"
    assert _follow("career_plan.strengths", card) == "f|career_plan|good_at"
    assert _follow("career_plan.strengths", _card()) == "f|career_plan|strengths"


def test_keys_lead_to_the_answer_to_revise() -> None:
    card = _card(work_history__jobs=[JOB], lifeline__points=[{"age": 20, "event": "入社"}])
    assert _follow("work_history.0.duties", card) == "f|work_history|jobs"
    assert _follow("work_history", card) == "f|work_history|jobs"
    assert _follow("lifeline.0.event", card) == "f|lifeline|points"
    assert _follow("training", card) == "f|education_training|training"
    assert _follow("person.name", card) == "f|profile|name"
    assert _follow("will_can_must.direction", card) == "f|will_can_must|direction"
    assert _follow("career_plan", card) == "m|career_plan"
    assert _follow("nowhere.at.all", card) is None


def test_comment_targets_are_sections_entries_and_fields_only() -> None:
    card = _card(work_history__jobs=[JOB])
    keys = layout.targets(card)
    assert {"work_history", "work_history.0", "work_history.0.duties", "licenses"} <= keys
    assert "work_history.1.duties" not in keys  # there is one job only
    assert "career_plan.consultant_entry" not in keys  # the counselor's own box
    assert "person.created_on" not in keys


def test_text_at_an_entry_lists_its_answered_fields() -> None:
    card = _card(work_history__jobs=[JOB])
    text = layout.text_at("work_history.0", card, "ja")
    assert (
        text == "期間：2015年4月～現在\n会社名：みなと商事\n雇用形態：正社員\n"
        "＜職務の内容＞：法人営業"
    )
    assert layout.text_at("work_history", card, "ja") == "勤務先 1：みなと商事"


def test_diff_lists_changed_added_and_removed_fields_in_card_order() -> None:
    old = _card(career_plan__strengths="粘り強い", work_history__jobs=[JOB, {"employer": "旧社"}])
    new = card_json(
        build_jobcard(
            {
                "career_plan.strengths": "粘り強い。3年間改善を続けた。",
                "career_plan.next_steps": "簿記の勉強",
                "work_history.jobs": [JOB],
            },
            created_on=date(2027, 1, 5),  # a later date is not a change of content
        )
    )
    changes = diff_cards(old, new, "ja")
    summary = [(c.key, c.kind, c.before, c.after) for c in changes]
    assert summary == [
        ("career_plan.strengths", "changed", "粘り強い", "粘り強い。3年間改善を続けた。"),
        ("career_plan.next_steps", "added", None, "簿記の勉強"),
        ("work_history.1.employer", "removed", "旧社", None),
    ]
    assert changes[0].label.endswith("› 強みなど")
    assert diff_cards(new, new, "ja") == []


def test_entries_are_named_by_their_title_field() -> None:
    card = _card(
        licenses__licenses=[{"name": "日商簿記2級", "status": "acquired", "acquired": "2019-06"}],
        education_training__training=[{"provider": "職業訓練校", "course": "経理実務科"}],
    )
    assert layout.describe("licenses.0", card, "ja").endswith("免許・資格 1：日商簿記2級")
    assert layout.describe("training.0", card, "en").endswith("Course 1: 経理実務科")
    assert layout.text_at("licenses.0.acquired", card, "ja") == "2019年6月"


def test_every_answer_of_the_card_has_its_place_on_the_dashboard() -> None:
    card = _card(
        profile__name="山田 花子",
        profile__furigana="やまだ はなこ",
        lifeline__peak_story="店長を任された",
        lifeline__recovery="家族に相談した",
        will_can_must__overlap="地域の店を支える",
        will_can_must__gap="数字の管理",
    )
    flat = layout.flatten(card, "ja")
    assert flat["person.furigana"] == ("基本情報 › ふりがな", "やまだ はなこ")
    assert flat["reflection.peak"] == (
        "ライフラインのふり返り › 満足度が高かった時期",
        "店長を任された",
    )
    assert flat["reflection.recovery"][1] == "家族に相談した"
    assert flat["will_can_must.overlap"] == (
        "Will・Can・Must › Will・Can・Mustの重なるところ",
        "地域の店を支える",
    )
    assert flat["will_can_must.gap"][1] == "数字の管理"
    assert _follow("person.furigana", card) == "f|profile|furigana"
    assert _follow("reflection.peak", card) == "f|lifeline|peak_story"
    assert _follow("reflection.trough", card) == "f|lifeline|trough_story"
    assert _follow("will_can_must.overlap", card) == "f|will_can_must|overlap"
    assert _follow("will_can_must.gap", card) == "f|will_can_must|gap"
    # A version frozen before these items existed shows them as unanswered, not an error.
    old = {k: v for k, v in card.items() if k != "reflection"}
    assert layout.flatten(old, "ja")["reflection.peak"][1] is None


def test_the_dashboard_and_the_documents_read_one_layout() -> None:
    card = rich_card()
    printed: set[str] = set()
    for sheet in document_context(card).sheets:
        for part in sheet.parts:
            printed.update(field.label for field in part.fields)
            for entry in part.entries:
                printed.update(field.label for field in (*entry.facts, *entry.fields))
            if part.table is not None:
                printed.update(column.label for column in part.table.columns)
    flat = layout.flatten(card_json(card), "ja")
    shown = {label.rsplit(" › ", 1)[1]: text for label, text in flat.values()}
    assert printed <= set(shown)
    assert shown["Will・Can・Mustの重なるところ"] == card.will_can_must.overlap
    # The same words as the printed sheet.
    assert flat["work_history.4.period"][1] == "2015年4月～現在"
    assert "2015年4月～現在" in document_context(card).sheets[1].parts[0].entries[4].facts[0].text


def test_without_work_experience_the_dashboard_shows_the_sheets_that_apply() -> None:
    student = _card(profile__has_experience=False, career_plan__good_at="人と話すこと")
    keys = [view.key for view in layout.layout(student, "ja")]
    assert "work_history" not in keys and "licenses" not in keys and "education" not in keys
    assert keys[:2] == ["person", "career_plan"]
    # The reflection parts are always there: the counselor sees what is still to do.
    assert {"lifeline", "reflection", "will_can_must"} <= set(keys)
    filled = _card(
        profile__has_experience=False,
        licenses__licenses=[{"name": "英検2級", "status": "acquired", "acquired": "2024-06"}],
    )
    assert "licenses" in [view.key for view in layout.layout(filled, "ja")]
