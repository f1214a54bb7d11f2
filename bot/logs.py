"""Logging that can never print the bot token."""

from __future__ import annotations

import logging

REDACTED = "<BOT_TOKEN>"


class RedactSecret(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._secret in message:
            record.msg = message.replace(self._secret, REDACTED)
            record.args = None
        if record.exc_info and record.exc_info[1] and self._secret in str(record.exc_info[1]):
            record.exc_info = None
            record.msg = f"{record.msg} (error details withheld: they held the token)"
        return True


def configure_logging(level: str, *, secret: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecret(secret))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
