"""Packaging: the SPDX licence, the channel extras and the README's install lines."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_licence_is_an_spdx_expression() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"  # not the deprecated {text = …} table
    assert importlib.metadata.metadata("jobcard-coach")["License-Expression"] == "MIT"


def test_every_channel_has_an_extra_and_all_has_both() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert extras["all"] == ["jobcard-coach[telegram,slack,line]"]
    assert extras["test"][0] == "jobcard-coach[telegram,slack,line]"
    provided = importlib.metadata.metadata("jobcard-coach").get_all("Provides-Extra") or []
    assert {"telegram", "slack", "line"} <= set(provided)


def test_the_readme_says_how_to_install_each_channel() -> None:
    for channel in ("telegram", "slack", "line"):
        heading = README.index(f"### {channel.upper() if channel == 'line' else channel.title()}")
        section = README[heading : README.index("\n### ", heading + 4)]
        assert f"pip install '.[{channel}]'" in section, channel
    assert "pip install '.[all]'" in README


def test_the_readme_apt_line_updates_and_answers_yes() -> None:
    installs = re.findall(r"apt-get(?:\s+update\s+&&\s+apt-get)?\s+install[^`]*", README)
    assert installs
    for line in installs:
        assert " -y " in " ".join(line.split()) + " ", line
    assert "apt-get update && apt-get install -y postgresql" in " ".join(README.split())
