"""Plain-language texts for the test programmes: the loader requires one per condition."""

from __future__ import annotations


def explain(*names: str, indent: str = "") -> str:
    """An ``explain:`` block with a text in kk, ru and en for each of ``names``."""
    lines = "".join(
        f"{indent}  {name}: {{kk: {name} (kk), ru: {name} (ru), en: {name} (en)}}\n"
        for name in names
    )
    return f"{indent}explain:\n{lines}"
