"""Logging that can never print the bot token."""

from __future__ import annotations

import logging
import traceback

REDACTED = "<BOT_TOKEN>"


class RedactSecret(logging.Filter):
    """Replaces the secret in a record's message and in its traceback, chained exceptions
    included (an API error's text may quote the request URL, which holds the token)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._secret in message:
            record.msg = message.replace(self._secret, REDACTED)
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            if self._secret in text:
                record.exc_info = None
                record.exc_text = text.replace(self._secret, REDACTED)
        return True


def configure_logging(level: str, *, secret: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecret(secret))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
