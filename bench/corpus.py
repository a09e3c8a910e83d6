#!/usr/bin/env python3
"""Deterministic Markdown corpora for the benchmarks.

Usage: python bench/corpus.py N OUT_DIR [--kind marketing|prose] [--seed S]

Writes OUT_DIR/page-00001.md ... page-N.md, each with front matter (title,
description, date) and a body of 2-3 KB. Every link leads to another page of
the corpus, so a site holding it builds without errors.

- marketing: what a clinic's service pages hold: headings, paragraphs with
  emphasis and links, a bullet and a numbered list, a pipe table, a quote.
  No quotes or dashes in the text, so smarty has nothing to do.
- prose: article copy as editors write it: apostrophes (it's, clients'),
  "double" and 'single' quotes, dashes (--, ---) and ellipses (...), so the
  smart-quotes pass runs on every paragraph; headings and a list too.

The same arguments always give byte-identical files, so every generator
timed on a corpus does the same work. Standard library only.
"""
from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

TERMS = (
    "massage session muscle relief posture stretch shoulder neck back hip knee "
    "tension recovery therapist clinic visit plan comfort pressure warmth breathing "
    "sleep stress mobility stiffness strain circulation routine schedule referral "
    "appointment evening morning downtown north parking insurance receipt"
).split()
ADJECTIVES = "gentle firm steady slow careful deep light calm regular short long weekly".split()
SPEAKERS = ("our therapist", "a client", "the front desk", "one runner", "a nurse we treat")
CONTRACTIONS = ("it's", "don't", "you'll", "we're", "that's", "isn't", "can't", "you're", "we've")
POSSESSIVES = ("the client's", "our therapists'", "a runner's", "the clinic's", "your body's")


def _words(rng: random.Random, low: int, high: int) -> list[str]:
    return [rng.choice(TERMS if rng.random() < 0.7 else ADJECTIVES) for _ in range(rng.randint(low, high))]


def _plain_sentence(rng: random.Random, low: int = 6, high: int = 15) -> str:
    words = _words(rng, low, high)
    if rng.random() < 0.35:
        k = rng.randrange(len(words))
        words[k] = f"**{words[k]}**"
    if rng.random() < 0.25:
        k = rng.randrange(len(words))
        words[k] = f"*{words[k]}*"
    words[0] = words[0][0].upper() + words[0][1:] if words[0][0].isalpha() else words[0]
    return " ".join(words) + "."


def _title(rng: random.Random, low: int, high: int) -> str:
    words = _words(rng, low, high)
    return " ".join(words).capitalize()


def _link(rng: random.Random, pages: int) -> str:
    target = rng.randint(1, pages)
    return f"[{rng.choice(ADJECTIVES)} {rng.choice(TERMS)}](/page-{target:05d}/)"


def _marketing_paragraph(rng: random.Random, pages: int) -> str:
    sentences = [_plain_sentence(rng) for _ in range(rng.randint(3, 5))]
    if rng.random() < 0.6:
        sentences.insert(rng.randint(0, len(sentences)), f"Read more about {_link(rng, pages)}.")
    return " ".join(sentences)


def _prose_sentence(rng: random.Random) -> str:
    words = _words(rng, 5, 12)
    roll = rng.random()
    if roll < 0.25:
        words.insert(rng.randint(0, len(words)), rng.choice(CONTRACTIONS))
    elif roll < 0.4:
        words.insert(rng.randint(0, len(words)), rng.choice(POSSESSIVES))
    elif roll < 0.55:
        k = rng.randint(1, len(words) - 1)
        words[k:k + 2] = [f'"{" ".join(words[k:k + 2])}"']
    elif roll < 0.65:
        k = rng.randint(1, len(words) - 1)
        words[k] = f"'{words[k]}'"
    elif roll < 0.75:
        words.insert(rng.randint(1, len(words)), rng.choice(("--", "---")))
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    if rng.random() < 0.12:
        return f'{text}, says {rng.choice(SPEAKERS)}: "{rng.choice(CONTRACTIONS).capitalize()} {_title(rng, 2, 4).lower()}."'
    return text + ("..." if rng.random() < 0.08 else ".")


def _prose_paragraph(rng: random.Random, pages: int) -> str:
    sentences = [_prose_sentence(rng) for _ in range(rng.randint(3, 6))]
    if rng.random() < 0.5:
        sentences.insert(rng.randint(0, len(sentences)), f"See {_link(rng, pages)}.")
    return " ".join(sentences)


def _front_matter(number: int, rng: random.Random) -> list[str]:
    day = date(2021, 1, 1) + timedelta(days=(number * 7) % 1800)
    return ["---", f"title: {_title(rng, 2, 5)} {number}",
            f"description: {_plain_sentence(rng, 8, 14).replace('*', '')}",
            f"date: {day.isoformat()}", "---", ""]


def marketing_page(number: int, pages: int, rng: random.Random) -> str:
    lines = _front_matter(number, rng)
    lines += [_marketing_paragraph(rng, pages), "", f"## {_title(rng, 2, 4)}", "",
              _marketing_paragraph(rng, pages), ""]
    lines += [f"- {_plain_sentence(rng, 3, 7)}" for _ in range(rng.randint(3, 6))]
    lines += ["", f"### {_title(rng, 2, 3)}", ""]
    lines += [f"{k}. {_plain_sentence(rng, 3, 7)}" for k in range(1, rng.randint(3, 5) + 1)]
    lines += ["", "| What | Session | Follow-up |", "| --- | --- | --- |"]
    for _ in range(rng.randint(3, 5)):
        lines.append(f"| {rng.choice(TERMS)} | {rng.choice(ADJECTIVES)} {rng.choice(TERMS)} | {rng.choice(TERMS)} |")
    lines += ["", f"> {_plain_sentence(rng)}", "", f"## {_title(rng, 2, 4)}", "",
              _marketing_paragraph(rng, pages), "", _marketing_paragraph(rng, pages), ""]
    return "\n".join(lines)


def prose_page(number: int, pages: int, rng: random.Random) -> str:
    lines = _front_matter(number, rng)
    for section in range(rng.randint(2, 3)):
        if section:
            lines += [f"## {_title(rng, 2, 5)}", ""]
        lines += [_prose_paragraph(rng, pages), "", _prose_paragraph(rng, pages), ""]
    lines += [f"- {_prose_sentence(rng)}" for _ in range(rng.randint(2, 4))]
    lines += ["", _prose_paragraph(rng, pages), ""]
    return "\n".join(lines)


KINDS = {"marketing": marketing_page, "prose": prose_page}


def write_corpus(folder: Path, pages: int, kind: str = "marketing", seed: int = 1201) -> list[Path]:
    """Write the corpus into `folder` (created if needed); returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    make_page = KINDS[kind]
    paths = []
    for number in range(1, pages + 1):
        rng = random.Random(f"{kind}-{seed}-{number}")
        path = folder / f"page-{number:05d}.md"
        path.write_text(make_page(number, pages, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--kind", choices=sorted(KINDS), default="marketing")
    parser.add_argument("--seed", type=int, default=1201)
    args = parser.parse_args()
    write_corpus(args.out, args.pages, args.kind, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
