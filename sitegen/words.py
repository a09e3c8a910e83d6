"""Words from the data: `{{ locations }}` in Markdown, front matter and the tagline.

Some facts change when the data does (a new location makes "our two
locations" wrong), so editors write them as words the build fills in. In
Markdown the converter fills them (markup.py, through the component renderer,
so unknown words are reported at their line); in front matter and the tagline
this module does.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from .config import CONFIG_FILE
from .errors import ErrorCollector, did_you_mean
from .markup import INLINE_WORD
from .models import Document, SiteConfig

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def join_names(names: list[str], conjunction: str = "and") -> str:
    """['A', 'B', 'C'] -> 'A, B and C'."""
    if len(names) <= 2:
        return f" {conjunction} ".join(names)
    return ", ".join(names[:-1]) + f" {conjunction} " + names[-1]


def data_words(locations: list) -> dict[str, str]:
    """What `{{ name }}` says in Markdown and the tagline: facts that change when the data does."""
    names = [location.name for location in locations]
    count = len(names)
    return {
        "locations": join_names(names),  # 'North Syracuse and Downtown Syracuse'
        "locations-or": join_names(names, "or"),  # 'North Syracuse or Downtown Syracuse'
        "location-count": NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count),  # 'two'
    }


def word_problem(name: str, words: dict[str, str]) -> tuple[str, str]:
    """(message, hint) for an unknown `{{ name }}`."""
    return (f"unknown word '{{{{ {name} }}}}'",
            did_you_mean(name, words) or "known words: " + ", ".join(f"{{{{ {word} }}}}" for word in words))


def fill_words(text: str, words: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """Replace each `{{ name }}` in plain text; returns the text and the problems."""
    problems = []

    def replace(match):
        if match.group(1) in words:
            return words[match.group(1)]
        problems.append(word_problem(match.group(1), words))
        return match.group(0)

    return INLINE_WORD.sub(replace, text), problems


def fill_config_words(root: Path, config: SiteConfig, words: dict[str, str], errors: ErrorCollector) -> SiteConfig:
    """The configuration with its tagline filled in."""
    tagline, problems = fill_words(config.tagline, words)
    if problems:
        text = (root / CONFIG_FILE).read_text(encoding="utf-8", errors="replace")
        line = next((number for number, content in enumerate(text.splitlines(), 1)
                     if content.startswith("tagline:")), 0)
        for message, hint in problems:
            errors.add(CONFIG_FILE, line, 0, f"tagline: {message}", hint)
    return dataclasses.replace(config, tagline=tagline) if tagline != config.tagline else config


def fill_document_words(document: Document, words: dict[str, str], errors: ErrorCollector) -> Document:
    """The document, or a copy with its title and description filled in (the loaded one may be reused later)."""
    changes = {}
    for key in ("title", "description"):
        text, problems = fill_words(getattr(document, key), words)
        for message, hint in problems:
            errors.add(document.source, document.key_lines.get(key, 1), 0, f"{key}: {message}", hint)
        if text != getattr(document, key):
            changes[key] = text
    return dataclasses.replace(document, **changes) if changes else document
