"""Consultation booking: configuration, free slots, bookings, reminders, reports and CLI."""
