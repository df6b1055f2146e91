"""The career-plan composer: drafts read as whole sentences and say each plan once."""

from __future__ import annotations

from datetime import date

from bot.engine.composer import future_work, next_steps, strengths, values_interests
from bot.engine.polite import polite


def test_a_strength_told_as_a_ところ_phrase_becomes_a_sentence() -> None:
    answers = {
        "lifeline.strengths": "現場で起きていることをよく見て、原因を確かめてから手を打つところ。"
    }
    draft = strengths(answers, "ja")
    assert draft is not None
    assert (
        draft.text
        == "現場で起きていることをよく見て、原因を確かめてから手を打つところが強みです。"
    )


def test_a_planned_licence_the_direction_names_is_not_repeated() -> None:
    answers = {
        "will_can_must.direction": (
            "２０２７年４月から訓練を受けて、ＣＡＤ利用技術者試験２級を受ける。"
        ),
        "licenses.licenses": [
            {"name": "CAD利用技術者試験2級", "status": "planned", "planned_on": "2027-11"},
            {"name": "機械保全技能士3級", "status": "planned", "planned_on": "2028-02"},
        ],
    }
    draft = next_steps(answers, "ja")
    assert draft is not None
    assert draft.text == (
        "２０２７年４月から訓練を受けて、ＣＡＤ利用技術者試験２級を受けます。"
        "2028年2月までに「機械保全技能士3級」の取得を目指します。"
    )


def test_planned_training_the_direction_names_is_not_repeated() -> None:
    course = {"course": "CAD/CAM技術科", "provider": "ポリテクセンター関東"}
    answers = {
        "will_can_must.direction": "2027年4月からCAD/CAM技術科で学ぶ。",
        "education_training.training": [
            {**course, "period": {"start": "2027-04", "end": "2027-09"}}
        ],
    }
    draft = next_steps(answers, "ja", today=date(2026, 12, 1))
    assert draft is not None
    assert draft.text == "2027年4月からCAD/CAM技術科で学びます。"
    # Without the direction naming it, the course is the plan.
    del answers["will_can_must.direction"]
    draft = next_steps(answers, "ja", today=date(2026, 12, 1))
    assert draft is not None
    assert draft.text == "2027年4月からポリテクセンター関東の「CAD/CAM技術科」を受講します。"


def test_a_sentence_ending_in_同じ_gets_the_polite_form() -> None:
    assert polite("人に教える立場にいたのも同じ。") == "人に教える立場にいたのも同じです。"


def test_an_answer_mixing_a_sentence_and_a_phrase_leaves_no_fragment() -> None:
    answers = {
        "lifeline.values": (
            "人の役に立っている実感があった。職場でも家庭でも、自分の居場所があること。"
        )
    }
    draft = values_interests(answers, "ja")
    assert draft is not None
    assert draft.text == (
        "人の役に立っている実感がありました。"
        "職場でも家庭でも、自分の居場所があることを大切にしています。"
    )


def test_a_wished_for_job_named_as_a_noun_reads_as_the_overlap() -> None:
    answers = {
        "will_can_must.overlap": "これまでの事務と接客の経験を活かせる、家の近くの会社での事務職"
    }
    draft = future_work(answers, "ja")
    assert draft is not None
    assert draft.text == (
        "やりたいこと・できること・求められていることが重なるのは、"
        "これまでの事務と接客の経験を活かせる、家の近くの会社での事務職です。"
    )


def test_negative_and_adjective_endings_get_the_polite_form() -> None:
    assert polite("ついていけるか自信がない。") == "ついていけるか自信がありません。"
    assert polite("まだ慣れていない") == "まだ慣れていません"
    assert polite("長く働ける職場がいい。") == "長く働ける職場がいいです。"
    assert polite("夜勤はしたくない。") == "夜勤はしたくないです。"


def test_values_about_both_high_points_say_which_times_they_mean() -> None:
    answers = {
        "lifeline.values": "どちらも、目の前の人の役に立てていると実感できたこと。",
        "lifeline.peak_common": "どちらも、目の前の人の役に立てていると実感できたこと。",
    }
    draft = values_interests(answers, "ja")
    assert draft is not None
    assert draft.text == (
        "満足度が高かった時期を振り返ると、"
        "どちらも、目の前の人の役に立てていると実感できたことを大切にしています。"
    )
    assert polite("頼まれると断れず、仕事を抱え込んでしまう。") == (
        "頼まれると断れず、仕事を抱え込んでしまいます。"
    )


def test_what_the_high_points_share_told_as_a_phrase_becomes_a_sentence() -> None:
    answers = {
        "lifeline.values": "安全第一と、約束の時間を守ること",
        "lifeline.peak_common": "自分の運転の腕を信頼されて、仕事を任されていたこと。",
    }
    draft = values_interests(answers, "ja")
    assert draft is not None
    assert draft.text == (
        "安全第一と、約束の時間を守ることを大切にしています。"
        "満足度が高かった時期に共通するのは、自分の運転の腕を信頼されて、仕事を任されていたことです。"
    )
