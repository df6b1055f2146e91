"""The shipped dialog files (one YAML file per dialog)."""

from pathlib import Path

DIALOGS_DIR = Path(__file__).resolve().parent
