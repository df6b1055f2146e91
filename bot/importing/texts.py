"""What people read while importing a 職務経歴書 / 履歴書 (Japanese and English)."""

from __future__ import annotations

from typing import Final

from bot.engine.localized import Lang, Localized

L = Localized

KIND_NAMES: Final = {
    "job": L("職務経歴", "work history"),
    "licence": L("免許・資格", "licences"),
    "education": L("学習歴", "education"),
    "training": L("訓練歴", "training"),
}
SHEETS: Final = {
    "job": L("職務経歴（様式2）", "Work history (sheet 2)"),
    "licence": L("免許・資格（様式3-1）", "Licences (sheet 3-1)"),
    "education": L("学習歴（様式3-2）", "Education (sheet 3-2)"),
    "training": L("訓練歴（様式3-2）", "Training (sheet 3-2)"),
}
COUNT: Final = L("{kind}{count}件", "{count} {kind}")
# English counts name what is counted: "2 jobs", "1 school".
_ENGLISH_NOUNS: Final = {
    "job": ("job", "jobs"),
    "licence": ("licence", "licences"),
    "education": ("school", "schools"),
    "training": ("training course", "training courses"),
}


def count(kind: str, number: int, lang: Lang) -> str:
    """「職務経歴2件」 / "2 jobs"."""
    if lang == "ja":
        return COUNT.format(lang, kind=KIND_NAMES[kind].get(lang), count=number)
    singular, plural = _ENGLISH_NOUNS[kind]
    return f"{number} {singular if number == 1 else plural}"


READ: Final = L(
    "読み取りました。{found}が見つかりました。1件ずつ確認していきます。"
    "「登録する」を選んだものだけを保存します（貼り付けた文章やファイルそのものは保存しません）。",
    "Done reading. I found {found}. Let's go through them one at a time; only what you "
    "register is saved (the pasted text or file itself is not kept).",
)
READ_FILE: Final = L("ファイル「{name}」を読み込みました。", "I have opened your file “{name}”.")
NOTHING: Final = L(
    "職歴・資格・学歴として読み取れるところが見つかりませんでした。"
    "「2015年4月～2020年3月　株式会社〇〇」のように、"
    "年月と会社名・学校名・資格名が同じ行にあると読み取れます。"
    "もう一度貼り付けるか、ファイルを送ってください。やめるときは「メニュー」と送ってください。",
    "I couldn't find any jobs, licences or schools in it. Lines that give the dates and "
    "the company, school or licence together (such as “April 2015 to March 2020, Minato Trading”) "
    "can be read. Please paste it again or send the file, or send “menu” to stop.",
)
UNPLACED: Final = L(
    "読み取れなかった行が{count}行あります。下書きには入れていません。"
    "必要なものは、あとでご自分で該当の欄に書き足してください：\n{lines}",
    "{count} lines could not be placed and are not in the draft. Add anything you need "
    "to the right box yourself later:\n{lines}",
)
REPLACED: Final = L(
    "前に読み込んで、まだ確認していなかった{count}件は取り消し、新しく読み込んだ内容に切り替えました。",
    "The {count} entries left from your earlier import were dropped for the new one.",
)

HEADING: Final = L("【{sheet}】{index}件目（全{total}件）", "[{sheet}] entry {index} of {total}")
MISSING: Final = L("（書かれていませんでした）", "(not in the document)")
LATER: Final = L("（このあとお聞きします）", "(I'll ask you next)")
UNSURE: Final = {
    "derived": L(
        "※期間は、この勤務先の下に書かれた期間から読み取りました。",
        "Note: the period was put together from the periods listed under this employer.",
    ),
    "year_only": L(
        "※月が書かれていなかったので、年だけにしています。",
        "Note: no month was given, so only the year is kept.",
    ),
    "dictionary": L(
        "※実施・認定機関は書かれていなかったので、この資格の一般的な機関を入れています。違っていれば「直す」を選んでください。",
        "Note: the issuer was not in the document, so the usual one for this licence is "
        "filled in. Choose “Fix” if it is different.",
    ),
    "long": L(
        "※職務の内容が長いため、印刷すると次のページに続きます。",
        "Note: the duties are long and continue onto the next page when printed.",
    ),
}
OFFICIAL: Final = L(
    "※正式名称は「{official}」です。「直す」から正式名称にできます。",
    "Note: the official name is “{official}”. You can switch to it under “Fix”.",
)
STARTED: Final = L("（入社・入学：{month}）", "(started: {month})")
ENDED: Final = L("（卒業・退職：{month}）", "(ended: {month})")
ASK_LATER: Final = L(
    "書かれていなかった{fields}は、登録したあとでお聞きします。",
    "I'll ask for the {fields} after you register it.",
)
PLANNED: Final = L("（取得予定）", " (planned)")

MERGE: Final = L(
    "すでに登録されている「{title}」（{period}）と同じ{kind}のようです。"
    "まとめると、次のようになります（もとの内容はそのまま残し、足りないところを補います）：",
    "This looks like the same {kind} as “{title}” ({period}) you already have. Merged, it "
    "would read as follows (what you wrote before stays; only what is missing is added):",
)
DUPLICATE: Final = L(
    "「{title}」は、同じ内容がすでに登録されているので飛ばしました。",
    "“{title}” is already registered as it is, so I skipped it.",
)
REGISTERED: Final = L("「{title}」を登録しました。", "“{title}” is registered.")
MERGED: Final = L("「{title}」にまとめて登録しました。", "Merged into “{title}”.")
SKIPPED: Final = L(
    "「{title}」は登録せずに飛ばしました。", "Skipped “{title}”; nothing was saved."
)
NO_DRAFT: Final = L(
    "いま確認中の読み込みはありません。職務経歴書から読み込むときは「職務経歴書から読み込む」と送ってください。",
    "There is no import in progress. To import your CV, send “Import from my CV”.",
)
FIX_WHAT: Final = L(
    "「{label}」を直します。いまの内容：{current}", "Let's fix “{label}”. It reads: {current}"
)
FIX_OFFICIAL: Final = L("正式名称「{official}」にする", "Use the official name “{official}”")
FIX_CANCEL: Final = L("直さずに戻る", "Back without changes")
FIXED: Final = L("直しました。", "Fixed.")

GAP_LEARNED: Final = L(
    "「{title}」（{period}）で学んだことを伺います。職務の内容には、次のように書かれていました：\n『{duties}』",
    "Now what you learned at “{title}” ({period}). Your duties read:\n“{duties}”",
)
GAP_DUTIES: Final = L(
    "「{title}」（{period}）の職務の内容が書かれていませんでした。",
    "The duties at “{title}” ({period}) were not in the document.",
)
GAP_PERIOD: Final = L(
    "「{title}」の期間が書かれていませんでした{hint}。",
    "The period of “{title}” was not given{hint}.",
)
GAP_TYPE: Final = L(
    "「{title}」の雇用形態が書かれていませんでした。",
    "The type of employment at “{title}” was not given.",
)
GAP_MONTH: Final = L(
    "「{title}」を取得した年月が書かれていませんでした。",
    "The month you obtained “{title}” was not given.",
)
GAP_COURSE: Final = L(
    "「{title}」で受けたコース名が書かれていませんでした。",
    "The course you took at “{title}” was not given.",
)
GAP_SKIPPED: Final = L(
    "あとで各シートのまとめ画面から書き足せます。",
    "You can fill it in later from the sheet's summary.",
)

DONE: Final = L(
    "読み込みが終わりました。{summary}。内容は各シートのまとめ画面からいつでも直せます。",
    "The import is finished: {summary}. You can change anything later from each sheet's summary.",
)
DONE_NONE: Final = L(
    "読み込みが終わりました。登録したものはありません。",
    "The import is finished; nothing was registered.",
)
DONE_SKIPPED: Final = L("飛ばしたもの{count}件", "{count} skipped")
REGISTERED_COUNT: Final = L("登録したもの：{items}", "registered {items}")

UNREADABLE: Final = {
    "too_large": L(
        "ファイルが大きすぎるため読み込めません（2MBまで）。"
        "職務経歴書の文章をコピーして、このチャットに貼り付けて送ってください。",
        "The file is too large to read (the limit is 2 MB). Please copy the text of your CV "
        "and paste it here instead.",
    ),
    "image_pdf": L(
        "画像のPDFは読み取れません（スキャンした紙や写真のPDFには文字のデータがありません）。"
        "元のWordファイルを送るか、文章をコピーして貼り付けてください。"
        "紙しかない場合は、ハローワークの窓口や相談員と一緒に入力することもできます。",
        "I can't read a PDF made of images (a scanned page or a photo holds no text). "
        "Please send the original Word file, or copy the text and paste it here. If you only "
        "have it on paper, a counselor can help you type it in.",
    ),
    "old_word": L(
        "古い形式のWordファイル（.doc）は読み取れません。Wordで開いて「名前を付けて保存」から"
        "「Word文書（.docx）」で保存し直して送るか、文章をコピーして貼り付けてください。",
        "I can't read the old Word format (.doc). Open it in Word, save it as a Word "
        "document (.docx) and send that, or copy the text and paste it here.",
    ),
    "image": L(
        "写真や画像の文字は読み取れません。Word・PDF・テキストのファイルを送るか、文章を貼り付けてください。",
        "I can't read text in photos or pictures. Please send a Word, PDF or text file, or "
        "paste the text.",
    ),
    "unknown_type": L(
        "この種類のファイルは読み取れません。Word（.docx）・PDF・テキスト（.txt）のファイルを送るか、文章を貼り付けてください。",
        "I can't read this kind of file. Please send a Word (.docx), PDF or text (.txt) "
        "file, or paste the text.",
    ),
    "broken": L(
        "ファイルを開けませんでした（壊れているか、パスワードがかかっている可能性があります）。"
        "文章をコピーして貼り付けてください。",
        "I couldn't open the file (it may be damaged or protected by a password). Please "
        "copy the text and paste it here.",
    ),
    "empty": L(
        "ファイルに文字が入っていませんでした。文章を貼り付けて送ってください。",
        "The file holds no text. Please paste the text here.",
    ),
}


def joined(items: list[str], lang: Lang) -> str:
    """「A、B」 / "A, B and C"."""
    if lang == "ja":
        return "、".join(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


REGISTER: Final = L("登録する", "Register")
FIX: Final = L("直す", "Fix")
SKIP: Final = L("飛ばす", "Skip this one")
MERGE_IT: Final = L("まとめて登録する", "Merge them")
SEPARATE: Final = L("別に登録する", "Register separately")
DROPPED: Final = L(
    "読み取った内容は登録せずに削除しました。",
    "What was read has been deleted; nothing was registered.",
)
