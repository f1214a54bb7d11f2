import logging

import pytest

from bot.logs import REDACTED, RedactSecret

SECRET = "123456789:AAsecretSecretSecret"


def _formatted(record: logging.LogRecord) -> str:
    assert RedactSecret(SECRET).filter(record)
    return logging.Formatter("%(message)s").format(record)


def _record(message: str, *args: object, error: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(error), error, error.__traceback__) if error is not None else None
    return logging.LogRecord("bot", logging.ERROR, __file__, 1, message, args, exc_info)


def _raised(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:
        return caught


def test_the_token_in_a_message_is_replaced() -> None:
    text = _formatted(_record("GET /bot%s/getMe failed", SECRET))
    assert SECRET not in text and f"/bot{REDACTED}/getMe" in text


@pytest.mark.parametrize("chained", [False, True])
def test_the_token_in_a_traceback_is_replaced_and_the_traceback_kept(chained: bool) -> None:
    inner = _raised(ValueError(f"Content: Cannot POST /bot{SECRET}/getMe"))
    error = inner
    if chained:
        try:
            raise RuntimeError("start-up failed") from inner
        except RuntimeError as outer:
            error = outer

    text = _formatted(_record("stopped by an unexpected error", error=error))

    assert SECRET not in text
    assert "Traceback (most recent call last)" in text
    assert f"Cannot POST /bot{REDACTED}/getMe" in text


def test_a_traceback_without_the_token_is_left_alone() -> None:
    record = _record("oops", error=_raised(KeyError("aov")))
    text = _formatted(record)
    assert record.exc_info is not None and "KeyError: 'aov'" in text
