"""Periodic LTV digests: schedules, what to say, delivery under Telegram's limits, /digest."""
