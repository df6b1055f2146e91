"""jobcard-coach: a chat assistant that coaches people through Japan's Job Card."""

__version__ = "0.1.0"
