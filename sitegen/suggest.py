"""'did you mean' for broken links, in bounded time however many links broke.

Comparing a broken address with every page of the site costs about 0.1 s at
4,000 pages; when a folder of pages moves, thousands of links break at once
and the report would take many minutes. So, for a large site:

1. an address whose last part names a page (`/page-1/` after the page moved
   to `/guides/page-1/`) is matched against the pages of that name only;
2. otherwise the pages sharing its rarer three-letter pieces are compared,
   for a limited number of distinct addresses per run (FUZZY_BUDGET);
   past that, links are still reported, without a suggestion.

A small site compares with every page, as `did_you_mean` does.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from difflib import get_close_matches
from typing import Iterable

SMALL_SITE = 400  # up to this many pages, every page is a candidate
FUZZY_BUDGET = 300  # distinct addresses per run compared by their pieces
CANDIDATES = 40  # pages compared in full for one address
COMMON_PIECE = 0.05  # a piece in more than this share of pages says little


def _last_part(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _pieces(text: str) -> set[str]:
    return {text[i:i + 3] for i in range(len(text) - 2)}


class LinkSuggestions:
    """Suggests the page a broken internal address probably meant."""

    def __init__(self, urls: Iterable[str]):
        self.urls = list(urls)
        self._memo: dict[str, str] = {}
        self._budget = FUZZY_BUDGET
        self._by_last_part: dict[str, list[str]] | None = None
        self._by_piece: dict[str, list[str]] | None = None

    def hint(self, target: str) -> str:
        """"did you mean '/x/'?", or '' when nothing is close (or the budget is spent)."""
        if target not in self._memo:
            self._memo[target] = self._compute(target)
        return self._memo[target]

    def _compute(self, target: str) -> str:
        if len(self.urls) <= SMALL_SITE:
            return _closest(target, self.urls)
        if self._by_last_part is None:
            self._build_index()
        same_name = self._by_last_part.get(_last_part(target))
        if same_name:
            found = _closest(target, same_name, cutoff=0.0)
            if found:
                return found
        if self._budget <= 0:
            return ""
        self._budget -= 1
        counts: Counter[str] = Counter()
        for piece in _pieces(target):
            counts.update(self._by_piece.get(piece, ()))
        return _closest(target, [url for url, _ in counts.most_common(CANDIDATES)])

    def _build_index(self) -> None:
        self._by_last_part = defaultdict(list)
        by_piece: dict[str, list[str]] = defaultdict(list)
        for url in self.urls:
            self._by_last_part[_last_part(url)].append(url)
            for piece in _pieces(url):
                by_piece[piece].append(url)
        limit = max(CANDIDATES, int(COMMON_PIECE * len(self.urls)))
        self._by_piece = {piece: urls for piece, urls in by_piece.items() if len(urls) <= limit}


def _closest(word: str, choices: list[str], cutoff: float = 0.6) -> str:
    matches = get_close_matches(word, choices, n=1, cutoff=cutoff)
    return f"did you mean '{matches[0]}'?" if matches else ""
