"""WeasyPrint's tunings change how fast a card's PDF is made, never its bytes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import bot.documents.tuning as tuning

ROOT = Path(__file__).parents[2]

# Renders the rich card (hostile answers in it too) without emoji font, whose embedded
# subset carries the time it was made; with argv[1] == "plain" the tunings are off.
SCRIPT = """
import sys
import bot.documents.tuning as tuning
from bot.documents import CardDocuments
from tests.documents.cards import HOSTILE, rich_card

if sys.argv[1] == "plain":
    tuning.CHECKED_WEASYPRINT = ()
documents = CardDocuments(emoji_font=None)
card = rich_card(**{"career_plan.values_interests": "\\n".join(HOSTILE)})
sys.stdout.buffer.write(documents.pdf(card))
"""


def _pdf(mode: str) -> bytes:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], cwd=ROOT, capture_output=True, check=True
    )
    return done.stdout


@pytest.mark.skipif(not tuning._checked_weasyprint(), reason="tunings off on this WeasyPrint")
def test_the_tuned_printer_makes_the_same_pdf_as_weasyprint_alone() -> None:
    tuned, plain = _pdf("tuned"), _pdf("plain")
    assert tuned.startswith(b"%PDF-")
    assert tuned == plain
