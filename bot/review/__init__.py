"""Counselor review of submitted Job Cards: states, use-cases, diff, accounts, chat."""
