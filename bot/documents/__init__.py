"""Filled Job Card documents: PDF, HTML, Excel, Markdown, chat previews and charts."""

from bot.documents.context import SHEET_KEYS, Charts, DocumentContext, parse_sheets
from bot.documents.renderer import CardDocuments

__all__ = ["SHEET_KEYS", "CardDocuments", "Charts", "DocumentContext", "parse_sheets"]
