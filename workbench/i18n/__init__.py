"""zh-CN first, English switchable: `?lang=en` (or zh) sets a cookie; templates call `t("key")`.

Strings live in `strings.py`, each key with its Chinese and English text side by side."""

from collections.abc import Callable

from fastapi import Request

from workbench.i18n.strings import MESSAGES

LANG_COOKIE = "wushe_lang"
LANGUAGES = ("zh", "en")


def language_of(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
    return asked if asked in LANGUAGES else "zh"


def translator(lang: str) -> Callable[..., str]:
    index = 1 if lang == "en" else 0

    def t(key: str, **values: object) -> str:
        pair = MESSAGES.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t
