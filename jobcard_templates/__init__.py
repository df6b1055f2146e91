"""Jinja2 templates and print CSS for the Job Card documents (one layout per sheet)."""

from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = Path(__file__).parent

__all__ = ["TEMPLATES_DIR"]
