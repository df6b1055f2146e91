"""The exercises' service actions: the money projection and the career-design summary."""

from __future__ import annotations

from bot.engine import Image, JumpTo, Text, as_lang
from bot.engine.localized import Localized
from bot.juku.career import plan_summary
from bot.juku.money import plan_from_answers, what_ifs
from bot.juku.money_chart import render_chart
from bot.juku.money_report import NO_EARNINGS, report, variant_label
from bot.service import ActionResult, EffectContext
from storage import repositories as repo

L = Localized
_TEXTS = {
    "later": L(
        "わかりました。計算は、まとめ画面で「計算」を選び直すと、いつでもできます。",
        "All right. You can run the calculation any time by choosing “Calculation” again "
        "from the summary.",
    ),
    "missing": L(
        "計算には、今の年齢・手取り年収・今の貯蓄の3つが必要です。まとめ画面から入力してください。",
        "The calculation needs your age, take-home pay and savings. Please fill them in from "
        "the summary.",
    ),
    "composed": L("ここまでの計画をまとめました。", "Here is your plan so far, summed up."),
    "no_plan": L(
        "まとめる計画がまだありません。「これから取り組むこと」を自分の言葉で書いてください。",
        "There is no plan to sum up yet. Please write your next steps in your own words.",
    ),
}


def money_projection(ctx: EffectContext) -> ActionResult:
    """Project the money plan to age 100 and send the conclusion, what-ifs and chart."""
    answers = repo.current_answers(ctx.session, ctx.person_id)
    lang = as_lang(ctx.lang)
    if answers.get("money_plan.calculate") is not True:
        return ActionResult((Text(_TEXTS["later"].get(lang)),))
    try:
        plan, used = plan_from_answers(answers)
    except ValueError:
        return ActionResult((Text(_TEXTS["missing"].get(lang)),))
    if not plan.earns:
        # A projection without any earnings says only "runs out at 20": say why instead.
        return ActionResult((Text(NO_EARNINGS.get(lang)),))
    variants = what_ifs(plan)
    labels = {variant.key: variant_label(variant.key, plan, lang) for variant in variants}
    chart = render_chart(variants, labels, lang)
    # The conclusion is in the text once; the chart needs no caption repeating it.
    return ActionResult((Text(report(variants, used, lang)), Image("money_plan.png", chart)))


def career_design_summary(ctx: EffectContext) -> ActionResult:
    """Write the plan summary and offer it as the answer to the dialog's last question."""
    answers = repo.current_answers(ctx.session, ctx.person_id)
    lang = as_lang(ctx.lang)
    if answers.get("career_design.compose") is not True:
        return ActionResult()
    summary = plan_summary(answers, lang)
    if summary is None:
        return ActionResult((Text(_TEXTS["no_plan"].get(lang)),))
    repo.save_answer(ctx.session, ctx.person_id, "career_design", "summary", summary, ctx.now)
    # The question was shown before the summary existed: show it again, now with the
    # summary as the answer to keep or rewrite.
    composed = Text(_TEXTS["composed"].get(lang))
    return ActionResult((composed,), follow=JumpTo("career_design", "summary"))
