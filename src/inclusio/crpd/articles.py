"""The Convention's articles 1–33 and their titles in the three languages (``articles.json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

FIRST, LAST = 1, 33


@dataclass(frozen=True)
class Article:
    number: int
    title_kk: str
    title_ru: str
    title_en: str

    def title(self, language: str | None = None) -> str:
        code = (language or get_language() or "kk")[:2]
        return {"ru": self.title_ru, "en": self.title_en}.get(code, self.title_kk)

    @property
    def current_title(self) -> str:
        return self.title()


@cache
def articles() -> tuple[Article, ...]:
    data = json.loads((Path(__file__).with_name("articles.json")).read_text(encoding="utf-8"))
    return tuple(Article(**row) for row in data["articles"])


def article(number: int) -> Article | None:
    return articles()[number - 1] if FIRST <= number <= LAST else None
