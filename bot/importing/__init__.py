"""Importing a 職務経歴書 or 履歴書: reading it, proposing entries, confirming them in chat."""
