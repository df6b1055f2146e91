"""The import feature's service actions, options sources and file reader, by the names
``dialogs/import.yaml`` uses."""

from __future__ import annotations

from bot.importing import actions
from bot.service import Action, AttachmentReader, SourceProvider


def import_actions() -> dict[str, Action]:
    """The actions named by ``emit:`` in the import dialog."""
    return {
        "import_read": actions.read_pasted,
        "import_decide": actions.decide,
        "import_fix_field": actions.fix_field,
        "import_answer": actions.answer,
        "import_resume": actions.resume,
    }


def import_sources() -> dict[str, SourceProvider]:
    """The sources named by ``options_from:`` in the import dialog."""
    return {"import_choices": actions.choices, "import_fields": actions.fields}


def attachment_reader() -> AttachmentReader:
    """What the service does with a file a person sends: read it as a 職務経歴書."""
    return actions.read_attachment
