"""The review's chat actions and options sources, by the names the dialogs use."""

from __future__ import annotations

from bot.review import chat
from bot.service import Action, SourceProvider


def review_actions() -> dict[str, Action]:
    """Actions for ``emit:`` in dialogs/submit.yaml and dialogs/review_comments.yaml."""
    return {
        "submit_card": chat.submit_card,
        "review_show": chat.show,
        "review_act": chat.act,
        "review_resubmit": chat.resubmit,
        "review_withdraw": chat.withdraw,
    }


def review_sources() -> dict[str, SourceProvider]:
    """Options sources for ``options_from:`` in the same dialogs."""
    return {"review_centres": chat.centres, "review_comment_list": chat.comment_list}
