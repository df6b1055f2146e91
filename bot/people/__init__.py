"""One person across channels: link codes join identities (web, Telegram, Slack) into one."""

from bot.people.linking import Linking, Routed

__all__ = ["Linking", "Routed"]
