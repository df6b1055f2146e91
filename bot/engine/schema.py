"""JSON Schemas for dialog files: the document, and one schema per step kind."""

from __future__ import annotations

from typing import Any

_ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}
_TEXT = {
    "type": "object",
    "properties": {
        "ja": {"type": "string", "minLength": 1},
        "en": {"type": "string", "minLength": 1},
    },
    "required": ["ja", "en"],
    "additionalProperties": False,
}
_OPTION = {
    "type": "object",
    "properties": {
        "value": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,40}$"},
        "label": _TEXT,
        "aliases": {"type": "array", "items": {"type": "string", "minLength": 1}},
        # The numbers that mean this option, both ends included: an age band's [50, 59].
        "range": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    },
    "required": ["value", "label"],
    "additionalProperties": False,
}
_EXAMPLE_LIST = {"type": "array", "items": _TEXT}
# A list, or lists per occupation family with a default (names: bot.engine.families).
_EXAMPLES = {
    "oneOf": [
        _EXAMPLE_LIST,
        {
            "type": "object",
            "properties": {"default": _EXAMPLE_LIST},
            "additionalProperties": _EXAMPLE_LIST,
            "required": ["default"],
        },
    ]
}
_COMMON = {
    "id": _ID,
    "when": {"type": "string", "minLength": 1},
    "next": {"type": "string", "minLength": 1},
}
ANSWER_KINDS = (
    "text",
    "long_text",
    "number",
    "scale",
    "year_month",
    "period",
    "date",
    "choice",
    "multi_choice",
    "yes_no",
)

QUESTION: dict[str, Any] = {
    "type": "object",
    "properties": {
        **_COMMON,
        "ask": {"enum": list(ANSWER_KINDS)},
        "field": _ID,
        "label": _TEXT,
        "prompt": _TEXT,
        "help": _TEXT,
        "examples": _EXAMPLES,
        "optional": {"type": "boolean"},
        "after": _TEXT,
        "draft": _TEXT,
        "action": {"enum": ["set_language", "consent"]},
        "coach": {
            "oneOf": [
                {"const": False},
                {
                    "type": "object",
                    "properties": {
                        "min_length": {"type": "integer", "minimum": 0},
                        "vague": {
                            "type": "array",
                            "items": {"type": "string", "minLength": 1},
                        },
                        "followup": _TEXT,
                        "expects": {
                            "type": "array",
                            "items": {"enum": ["number", "whom", "result", "when"]},
                        },
                    },
                    "additionalProperties": False,
                },
            ]
        },
        "min_length": {"type": "integer", "minimum": 0},
        "max_length": {"type": "integer", "minimum": 1},
        "min": {"type": "number"},
        "max": {"type": "number"},
        # Words for points of a scale, as its prompt names them: {ふつう: 0}.
        "named": {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "propertyNames": {"minLength": 1},
            "minProperties": 1,
        },
        "integer": {"type": "boolean"},
        "unit": _TEXT,
        "allow_future": {"type": "boolean"},
        "allow_past": {"type": "boolean"},
        "options": {"type": "array", "items": _OPTION, "minItems": 2},
        # The options' ranges are ages: a birth date or year typed picks by today's age.
        "ranges_are_ages": {"type": "boolean"},
        "options_from": _ID,
        "emit": _ID,
        # The answer goes to the ``emit`` action only and is never stored (a pasted document).
        "store": {"type": "boolean"},
        # A text answer that should be a reading in kana (ふりがな): anything else is kept
        # until the person confirms it as typed.
        "check": {"enum": ["reading"]},
        "min_count": {"type": "integer", "minimum": 0},
        "max_count": {"type": "integer", "minimum": 1},
    },
    "required": ["id", "ask", "prompt"],
    "additionalProperties": False,
}

SAY: dict[str, Any] = {
    "type": "object",
    "properties": {**_COMMON, "say": _TEXT},
    "required": ["id", "say"],
    "additionalProperties": False,
}

GROUP: dict[str, Any] = {
    "type": "object",
    "properties": {
        **_COMMON,
        "field": _ID,
        "label": _TEXT,
        "prompt": _TEXT,
        "help": _TEXT,
        "examples": _EXAMPLES,
        "optional": {"type": "boolean"},
        "group": {
            "type": "object",
            "properties": {
                "item": _TEXT,
                "more": _TEXT,
                "title_field": _ID,
                "min": {"type": "integer", "minimum": 0},
                "max": {"type": "integer", "minimum": 1},
                "steps": {"type": "array", "items": {"type": "object"}, "minItems": 1},
            },
            "required": ["item", "more", "steps"],
            "additionalProperties": False,
        },
    },
    "required": ["id", "prompt", "group"],
    "additionalProperties": False,
}

DIALOG: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": _ID,
        "version": {"type": "integer", "minimum": 1},
        "title": _TEXT,
        "intro": _TEXT,
        "menu": {"type": "integer", "minimum": 0},
        "then": _ID,
        "summary": {"type": "boolean"},
        "repeatable": {"type": "boolean"},
        "progress": {"type": "boolean"},
        # Whether the section applies to the person (a condition), e.g. not 様式2 for a student.
        "applies": {"type": "string", "minLength": 1},
        "commands": {"type": "array", "items": {"type": "string", "minLength": 1}},
        # Whether questions show the step counter 「（2/5）」 (not when the service picks them).
        "counter": {"type": "boolean"},
        # A button that opens this dialog, offered in the menu and in other sections' lists.
        "offer": {
            "type": "object",
            "properties": {
                "label": _TEXT,
                "in": {"type": "array", "items": _ID, "minItems": 1},
            },
            "required": ["label", "in"],
            "additionalProperties": False,
        },
        "events": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"goto": _ID, "say": _TEXT},
                "required": ["goto"],
                "additionalProperties": False,
            },
        },
        "steps": {"type": "array", "items": {"type": "object"}, "minItems": 1},
    },
    "required": ["id", "version", "title", "steps"],
    "additionalProperties": False,
}
