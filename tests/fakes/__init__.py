"""Fakes of Telegram for tests: a recording session, a person-like client, a Bot API stand-in."""
