"""One error type that knows where it happened, and a collector for many."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(text: str) -> str:
    """Control characters quoted from a source (a newline in a link, say) written as escapes: one line per error."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


@dataclass(frozen=True, slots=True)
class SiteError:
    """A problem in the site's sources, located as precisely as we can.

    `path` is relative to the site root; `line` and `column` are 1-based and
    0 when unknown.
    """

    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return _one_line(text)

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.column)


@dataclass(slots=True)
class ErrorCollector:
    """Gathers every problem of a run so they can be reported together."""

    errors: list[SiteError] = field(default_factory=list)

    def add(self, path: str, line: int, column: int, message: str, hint: str = "") -> None:
        self.errors.append(SiteError(path, line, column, message, hint))

    def extend(self, errors: list[SiteError]) -> None:
        self.errors.extend(errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def sorted(self) -> list[SiteError]:
        # Keep the order of discovery within one file, files alphabetically.
        unique = list(dict.fromkeys(self.errors))
        return sorted(unique, key=SiteError.sort_key)


class Problem(Exception):
    """Raised by code that found a problem it cannot report itself; carries the error."""

    def __init__(self, error: SiteError):
        super().__init__(str(error))
        self.error = error


class BuildFailed(Exception):
    """Raised by the pipeline when the sources have errors; carries them all."""

    def __init__(self, errors: list[SiteError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def did_you_mean(word: str, choices) -> str:
    """A hint naming the closest known choice, or '' if none is close."""
    matches = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else ""
