"""The user-facing texts of the answer parsers: rejections, follow-up questions and hints."""

from __future__ import annotations

from typing import Final

from bot.engine.localized import Localized

# Placeholders ending in ``_ja``/``_en`` carry a value already rendered in that language, so a
# message can be shown in either language whatever language the answer was parsed in.
ANSWER_MESSAGES: Final[dict[str, Localized]] = {
    # --- general ---------------------------------------------------------------------------
    "empty": Localized(
        "回答が空のようです。{hint_ja}を入力してください。",
        "Your answer seems to be empty. Please enter {hint_en}.",
    ),
    "too_long": Localized(
        "{max}文字以内で入力してください（いまは{count}文字です）。",
        "Please keep it to {max} characters or fewer (it is {count} characters now).",
    ),
    "lines_joined": Localized(
        "この欄は1行で記録しますので、改行はスペースに置き換えました。",
        "This box holds one line, so I recorded your line breaks as spaces.",
    ),
    "born_in": Localized(
        "お生まれの年から、年代は「{option_ja}」として記録しました。",
        "I recorded your age group as “{option_en}” from the year you were born.",
    ),
    "too_short": Localized(
        "もう少しくわしく、{min}文字以上で入力してください（いまは{count}文字です）。",
        "Please write a little more: at least {min} characters (it is {count} characters now).",
    ),
    # --- year-month, date, period ------------------------------------------------------------
    "year_month_invalid": Localized(
        "年月が読み取れませんでした。「2015年4月」「平成27年4月」「2015/4」のように"
        "入力してください。",
        "I couldn't read that as a year and month. Please write it like “2015-04”, “2015/4” "
        "or “April 2015”.",
    ),
    "year_missing": Localized(
        "年も入れてください。「2015年4月」のように入力してください。",
        "Please include the year as well, e.g. “2015-04”.",
    ),
    "month_missing": Localized(
        "{year}年の何月ですか？（例: 4）月を覚えていなければ「覚えていない」と送ってください。",
        "Which month of {year}? (e.g. 4) If you don't remember, type “don't remember”.",
    ),
    "month_unreadable": Localized(
        "{year}年の何月か読み取れませんでした。「4」のように月を数字で入力してください。"
        "覚えていなければ「覚えていない」と送ってください。",
        "I couldn't read a month of {year}. Please type the month as a number, e.g. “4”, "
        "or “don't remember” if you don't remember it.",
    ),
    "month_out_of_range": Localized(
        "{month}月という月はありません。月は1から12の数字で入力してください。",
        "There is no month {month}. Please give the month as a number from 1 to 12.",
    ),
    "era_year_too_large": Localized(
        "{era_ja}は{last}年（{last_western}年）{until_ja}までです。{western}年は{right_ja}です。"
        "年をもう一度確かめてください。",
        "The {era_en} era lasted until {until_en} {last_western} ({era_en} {last}); {western} "
        "is {right_en}. Please check the year.",
    ),
    "era_ended": Localized(
        "{era_year_ja}は{limit_ja}までです。{other_from_ja}以降は{other_ja}です。"
        "{typed_ja}のことでしたら「{right_ja}」か「{typed_ja}」と入力してください。",
        "That is outside its era: {era_year_en} lasted only until {limit_en}; from "
        "{other_from_en} it is {other_en}. If you mean {typed_en}, please type “{right_en}”.",
    ),
    "era_not_begun": Localized(
        "{era_year_ja}は{since_ja}からです。{other_until_ja}までは{other_ja}です。"
        "{typed_ja}のことでしたら「{right_ja}」か「{typed_ja}」と入力してください。",
        "That is outside its era: {era_year_en} began only {since_en}; until {other_until_en} "
        "it is {other_en}. If you mean {typed_en}, please type “{right_en}”.",
    ),
    "year_out_of_range": Localized(
        "{min}年から{max}年までの年で入力してください。",
        "Please enter a year from {min} to {max}.",
    ),
    "year_month_future": Localized(
        "未来の年月は入力できません。今月（{now_ja}）までの年月を入力してください。",
        "That is in the future. Please enter a month up to this month ({now_en}).",
    ),
    "date_invalid": Localized(
        "日付が読み取れませんでした。「2026年12月1日」「2026/12/1」「令和8年12月1日」のように"
        "入力してください。",
        "I couldn't read that as a date. Please write it like “2026-12-01”, “2026/12/1” "
        "or “1 Dec 2026”.",
    ),
    "date_need_day": Localized(
        "日にちまで入力してください（例: 2026年12月1日）。",
        "Please include the day as well (e.g. 2026-12-01).",
    ),
    "date_nonexistent": Localized(
        "{year}年{month}月{day}日という日はありません。日付を確かめてもう一度入力してください。",
        "There is no such date as {year}-{month}-{day}. Please check it and try again.",
    ),
    "date_past": Localized(
        "過去の日付は入力できません。今日（{today_ja}）以降の日付を入力してください。",
        "That date has passed. Please enter today ({today_en}) or a later date.",
    ),
    "date_future": Localized(
        "未来の日付は入力できません。今日（{today_ja}）までの日付を入力してください。",
        "That date is in the future. Please enter today ({today_en}) or an earlier date.",
    ),
    "period_invalid": Localized(
        "期間が読み取れませんでした。「2015年4月～2020年3月」「2015/4～現在」のように、"
        "始まりと終わりを「～」でつないで入力してください。",
        "I couldn't read that as a period. Please join the start and the end with “to”, "
        "e.g. “2015-04 to 2020-03” or “2015-04 to present”.",
    ),
    "period_need_month": Localized(
        "期間は、始まりと終わりをそれぞれ年と月で入力してください（例: 2015年4月～2020年3月）。",
        "Please give both the start and the end as a year and month (e.g. 2015-04 to 2020-03).",
    ),
    "period_end_missing": Localized(
        "終わりの年月を教えてください。今も続いている場合は「現在」と入力してください。",
        "When did it end? Please give the year and month, or type “present” if it is "
        "still going on.",
    ),
    "period_start_month_missing": Localized(
        "{year}年の何月からですか？（例: 4）"
        "月を覚えていなければ「覚えていない」と送ってください。",
        "Which month of {year} did it start? (e.g. 4) If you don't remember, type "
        "“don't remember”.",
    ),
    "period_end_month_missing": Localized(
        "{year}年の何月までですか？（例: 3）"
        "月を覚えていなければ「覚えていない」と送ってください。",
        "Which month of {year} did it end? (e.g. 3) If you don't remember, type “don't remember”.",
    ),
    "period_months_missing": Localized(
        "始まり（{start}年）と終わり（{end}年）は、それぞれ何月ですか？「4月～3月」のように"
        "入力してください。月を覚えていなければ「覚えていない」と送ってください。",
        "Which months did it start and end in ({start} and {end})? Please type them like "
        "“April to March”, or “don't remember” if you don't remember them.",
    ),
    "period_months_unreadable": Localized(
        "月が読み取れませんでした。始まり（{start}年）と終わり（{end}年）の月を「4月～3月」の"
        "ように入力してください。覚えていなければ「覚えていない」と送ってください。",
        "I couldn't read the months. Please type the months it started and ended in ({start} "
        "and {end}) like “April to March”, or “don't remember” if you don't remember them.",
    ),
    "period_end_invalid": Localized(
        "終わりの年月が読み取れませんでした。「2020年3月」のように入力するか、"
        "今も続いている場合は「現在」と入力してください。",
        "I couldn't read the end. Please write it like “2020-03”, or type “present” if it "
        "is still going on.",
    ),
    "period_order": Localized(
        "始まり（{start_ja}）が終わり（{end_ja}）より後になっています。"
        "順番を確かめてもう一度入力してください。",
        "The start ({start_en}) is after the end ({end_en}). Please check the order and "
        "try again.",
    ),
    "period_start_future": Localized(
        "始まりの年月（{start_ja}）が未来になっています。今月（{now_ja}）までの年月で"
        "入力してください。",
        "The start ({start_en}) is in the future. Please enter a month up to this month "
        "({now_en}).",
    ),
    "period_end_future": Localized(
        "終わりの年月（{end_ja}）が未来になっています。今も続いている場合は"
        "「現在」と入力してください。",
        "The end ({end_en}) is in the future. If it is still going on, please type “present”.",
    ),
    # --- numbers -----------------------------------------------------------------------------
    "number_invalid": Localized(
        "数字が読み取れませんでした。「{example_ja}」のように数字で入力してください。",
        "I couldn't read that as a number. Please type a number, e.g. “{example_en}”.",
    ),
    "number_not_integer": Localized(
        "整数で入力してください（例: {example_ja}）。",
        "Please enter a whole number (e.g. {example_en}).",
    ),
    "out_of_range": Localized(
        "{min}から{max}までの数で入力してください。",
        "Please enter a number from {min} to {max}.",
    ),
    "out_of_range_min": Localized(
        "{min}以上の数で入力してください。",
        "Please enter a number of at least {min}.",
    ),
    "out_of_range_max": Localized(
        "{max}以下の数で入力してください。",
        "Please enter a number of at most {max}.",
    ),
    "scale_invalid": Localized(
        "{min}から{max}までの整数で入力してください（例: {example}）。",
        "Please enter a whole number from {min} to {max} (e.g. {example}).",
    ),
    "scale_out_of_range": Localized(
        "{min}から{max}までの間で入力してください（例: {example}）。",
        "Please enter a number between {min} and {max} (e.g. {example}).",
    ),
    # --- choices -----------------------------------------------------------------------------
    "choice_unknown": Localized(
        "次の選択肢から選んでください。番号で答えることもできます。\n{options_ja}",
        "Please choose one of these options; you can also type its number.\n{options_en}",
    ),
    "born_between": Localized(
        "生まれた日によって、いまの年代が次のどちらかになります。番号で答えてください。\n"
        "{options_ja}",
        "Depending on your birthday, your age group today is one of these. Please type its "
        "number.\n{options_en}",
    ),
    "choice_ambiguous": Localized(
        "当てはまる選択肢が複数あります。次のどれですか？番号で答えてください。\n{options_ja}",
        "That matches more than one option. Which one do you mean? Please type its number.\n"
        "{options_en}",
    ),
    "multi_unknown": Localized(
        "「{piece}」に当たる選択肢が見つかりませんでした。次の中から、"
        "番号を「1、3」のように区切って入力してください。\n{options_ja}",
        "I couldn't find an option matching “{piece}”. Please choose from these, separating "
        "several numbers with commas (e.g. 1, 3).\n{options_en}",
    ),
    "multi_too_few": Localized(
        "{min}個以上選んでください。",
        "Please choose at least {min} of the options.",
    ),
    "multi_too_many": Localized(
        "選べるのは{max}個までです（いまは{count}個です）。",
        "You can choose up to {max} of the options (you chose {count}).",
    ),
    "yes_no_unknown": Localized(
        "「はい」か「いいえ」でお答えください。",
        "Please answer “yes” or “no”.",
    ),
    # --- hints: noun phrases describing what is expected ------------------------------------
    "hint_text": Localized(
        "{max}文字以内のテキスト",
        "some text (up to {max} characters)",
    ),
    "hint_long_text": Localized(
        "{max}文字以内の文章（改行もできます）",
        "some text (up to {max} characters; line breaks are fine)",
    ),
    "hint_number_integer": Localized("整数", "a whole number"),
    "hint_number_real": Localized("数", "a number"),
    "hint_range_both": Localized("{min}〜{max}の", " from {min} to {max}"),
    "hint_range_min": Localized("{min}以上の", " of at least {min}"),
    "hint_range_max": Localized("{max}以下の", " of at most {max}"),
    "hint_unit": Localized("（単位: {unit}）", " (in {unit})"),
    "hint_scale": Localized(
        "{min}から{max}までの整数（例: {example}）",
        "a whole number from {min} to {max} (e.g. {example})",
    ),
    "hint_year_month": Localized(
        "年月（例: 2015年4月、平成27年4月）",
        "a year and month (e.g. 2015-04)",
    ),
    "hint_period": Localized(
        "期間（例: 2015年4月～2020年3月、2015年4月～現在）",
        "a period (e.g. 2015-04 to 2020-03, or 2015-04 to present)",
    ),
    "hint_date": Localized(
        "日付（例: 2026年12月1日）",
        "a date (e.g. 2026-12-01)",
    ),
    "hint_choice": Localized(
        "選択肢の番号か言葉",
        "the number or the wording of one of the options",
    ),
    "hint_multi_choice": Localized(
        "選択肢の番号か言葉（いくつか選ぶときは「1、3」のように区切ってください）",
        "the numbers or wording of the options (separate several with commas, e.g. 1, 3)",
    ),
    "hint_yes_no": Localized("「はい」か「いいえ」", "“yes” or “no”"),
    # --- read back right after a date is stored ----------------------------------------------
    "recorded_as": Localized("{value}として記録しました。", "Recorded as {value}."),
    "recorded_year_only": Localized(
        "{value}として記録しました（わからない月は空けてあります）。思い出したら、"
        "あとで「まとめ」から直せます。",
        "Recorded as {value} (the month you don't remember is left out). If it comes back to "
        "you, you can change it later from the summary.",
    ),
    # --- words used when displaying stored answers -------------------------------------------
    "word_present": Localized("現在", "present"),
    "word_yes": Localized("はい", "Yes"),
    "word_no": Localized("いいえ", "No"),
}
