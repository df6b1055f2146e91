"""The pure dialog engine: no I/O, no clock, no SDKs."""

from bot.engine.effects import (
    DeleteData,
    Effect,
    Emit,
    ExportData,
    MakeCard,
    SaveAnswer,
    SetConsent,
    SetLanguage,
)
from bot.engine.engine import SourceRequest, Transition, advance
from bot.engine.loader import (
    DialogError,
    DialogLoadError,
    LoadedDialogs,
    build_dialog,
    load_dialogs,
)
from bot.engine.localized import Lang, Localized, as_lang
from bot.engine.messages import (
    Attachment,
    Button,
    Choices,
    Document,
    Image,
    Inbound,
    Outbound,
    Text,
    TurnContext,
)
from bot.engine.model import Dialog, DialogCatalog, Group, Question, Say
from bot.engine.payloads import (
    JumpTo,
    OpenSection,
    Outcome,
    Payload,
    Reply,
    RunCommand,
    decode,
    encode,
)
from bot.engine.progress import COMPLETED
from bot.engine.prompting import consent_dialog
from bot.engine.state import ConversationState
from bot.engine.turn import PersonView, answer_key

__all__ = [
    "COMPLETED",
    "Attachment",
    "Button",
    "Choices",
    "ConversationState",
    "DeleteData",
    "Dialog",
    "DialogCatalog",
    "DialogError",
    "DialogLoadError",
    "Document",
    "Effect",
    "Emit",
    "ExportData",
    "Group",
    "Image",
    "Inbound",
    "JumpTo",
    "Lang",
    "LoadedDialogs",
    "Localized",
    "MakeCard",
    "OpenSection",
    "Outbound",
    "Outcome",
    "Payload",
    "PersonView",
    "Question",
    "Reply",
    "RunCommand",
    "SaveAnswer",
    "Say",
    "SetConsent",
    "SetLanguage",
    "SourceRequest",
    "Text",
    "Transition",
    "TurnContext",
    "advance",
    "answer_key",
    "as_lang",
    "build_dialog",
    "consent_dialog",
    "decode",
    "encode",
    "load_dialogs",
]
