"""Every sentence a user reads comes from templates/<locale>/ through this renderer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from jinja2.environment import TemplateModule
from jinja2.runtime import Macro
from markupsafe import Markup

from bot import formatting
from bot.digests.schedule import city_of
from ltv_engine.model import LtvResult

LOCALES = ("ru", "en")
DEFAULT_LOCALE = "ru"
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
QUOTE_LIMIT = 40  # characters of a user's text quoted back in an explanation
MESSAGE_FILES = "*messages.j2"  # messages.j2, group_messages.j2, ...: one macro per message
# Their macros are globals of every template of the locale, called without an import: an
# import runs on every render (~4 us each, a tenth of a result's text).
SHARED_MACRO_FILES = ("advice.j2", "factors.j2")
# Telegram users in these languages read Russian more readily than English.
_RUSSIAN_READERS = frozenset({"ru", "uk", "be", "kk", "uz", "ky", "tg", "hy", "az"})


def locale_for(language_code: str | None) -> str:
    """The default locale for a Telegram user's language."""
    if not language_code:
        return DEFAULT_LOCALE
    base = language_code.split("-")[0].lower()
    if base in LOCALES:
        return base
    return "ru" if base in _RUSSIAN_READERS else "en"


def _date(value: datetime, locale: str, tz: str = "UTC") -> str:
    local = value.astimezone(ZoneInfo(tz))
    return local.strftime("%d.%m.%Y %H:%M" if locale == "ru" else "%Y-%m-%d %H:%M")


def _environment(locale: str, templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir / locale),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        auto_reload=False,  # read once: a page would otherwise stat its files on every render
    )
    # The templates use none of Jinja's own globals (range, namespace, ...); without them a
    # render and an import no longer walk them (~5 us a page).
    env.globals.clear()
    numbers = formatting.numbers(locale)
    env.filters["money"] = numbers.money
    env.filters["money_change"] = numbers.money_change
    env.filters["factors"] = _factors
    env.filters["percent"] = numbers.percent
    env.filters["percent_at_least"] = numbers.percent_at_least
    env.filters["num"] = numbers.num
    env.filters["date"] = partial(_date, locale=locale)
    env.filters["plural"] = partial(_plural_filter, locale=locale)
    env.filters["quantity"] = partial(_quantity, locale=locale, num=numbers.num)
    env.filters["numbered"] = _numbered
    env.filters["city"] = partial(city_of, locale=locale)
    env.filters["sign"] = partial(formatting.currency_sign, locale=locale)
    env.filters["clip"] = _clip
    for file_name in SHARED_MACRO_FILES:
        env.globals.update(_macros(env.get_template(file_name).make_module()))
    return env


def _macros(module: TemplateModule) -> dict[str, Macro]:
    """The macros a template defines, by name."""
    return {name: value for name, value in vars(module).items() if isinstance(value, Macro)}


def _factors(result: LtvResult) -> formatting.Factors:
    """How the line "order value × frequency × lifetime × margin" shows ``result``'s LTV."""
    i = result.inputs
    return formatting.ltv_factors(i.aov, i.orders_per_month, result.lifetime_months, i.margin)


def _clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """What a user typed, short enough to quote back in any message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _numbered(items: Iterable[Any]) -> Iterable[tuple[int, Any]]:
    """``(1, first), (2, second), ...``: cheaper in a loop than Jinja's ``loop.index``."""
    return enumerate(items, 1)


def _plural_filter(count: float, *forms: str, digits: int = 1, locale: str) -> str:
    """The form that agrees with ``count`` as ``num(digits)`` shows it: 1.04 months are shown
    as "1", so "month"."""
    shown = round(count, digits) or count  # num never shows a non-zero value as 0
    return formatting.plural(shown, locale, *forms)


def _quantity(
    count: float, *forms: str, digits: int = 1, locale: str, num: Callable[[float, int], str]
) -> str:
    """ "1 month", "1,5 месяца": the number and the word that agrees with it."""
    return f"{num(count, digits)} {_plural_filter(count, *forms, digits=digits, locale=locale)}"


class Texts:
    """The renderer bound to one locale: ``t("ask_aov")``, ``t.page("result.j2", ...)``."""

    def __init__(self, locale: str, env: Environment, message_files: list[str]) -> None:
        self.locale = locale
        self._env = env
        self._macros: dict[str, Any] = {}
        self._pages: dict[str, Template] = {}
        for file_name in message_files:
            for name, macro in _macros(env.get_template(file_name).make_module()).items():
                self._macros.setdefault(name, macro)

    @property
    def message_names(self) -> frozenset[str]:
        return frozenset(self._macros)

    def __call__(self, name: str, /, **context: Any) -> str:
        macro = self._macros.get(name)
        if macro is None:
            raise KeyError(f"no message {name!r} in templates/{self.locale}/{MESSAGE_FILES}")
        return str(macro(**context)).strip()

    def button(self, name: str, /, **context: Any) -> str:
        """Button labels are plain text for Telegram: no HTML entities."""
        try:
            return self._static_button(name, tuple(sorted(context.items())))
        except TypeError:  # an unhashable argument: a label built from a record
            return Markup(self(name, **context)).unescape()

    @lru_cache(maxsize=1024)  # noqa: B019  # one Texts per locale, alive as long as the bot
    def _static_button(self, name: str, context: tuple[tuple[str, Any], ...]) -> str:
        return Markup(self(name, **dict(context))).unescape()

    def page(self, template: str, /, **context: Any) -> str:
        page = self._pages.get(template)
        if page is None:
            page = self._pages[template] = self._env.get_template(template)
        return page.render(**context).strip()

    def money(self, value: float, currency: str) -> str:
        return formatting.money(value, currency, self.locale)


class Renderer:
    def __init__(self, templates_dir: Path = TEMPLATES_DIR) -> None:
        self._texts = {
            locale: Texts(
                locale,
                _environment(locale, templates_dir),
                sorted(path.name for path in (templates_dir / locale).glob(MESSAGE_FILES)),
            )
            for locale in LOCALES
        }

    def __call__(self, locale: str) -> Texts:
        return self._texts.get(locale, self._texts[DEFAULT_LOCALE])
