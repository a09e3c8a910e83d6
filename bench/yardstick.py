#!/usr/bin/env python3
"""A yardstick: the least a Python-Markdown + Jinja site build must do, on 2 processes.

Usage: python bench/yardstick.py SOURCE_DIR OUTPUT_DIR [--processes 2]

Reads every SOURCE_DIR/*.md, splits its YAML front matter, converts the body
with Python-Markdown (tables, and toc for heading ids; no smarty: the least a
comparable page needs), renders it into one Jinja layout with a header, menu
and footer, and writes
OUTPUT_DIR/NAME/index.html. No validation, no link check, no data, no
atomic output: the figure a generator built on the same libraries cannot
beat by much, so `sitegen cold build / yardstick` measures sitegen's own
overhead on the same machine in the same run.
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys
from pathlib import Path

import jinja2
import markdown
import yaml

LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} | Clinic</title>
<meta name="description" content="{{ description }}"><link rel="stylesheet" href="/site.css"></head>
<body><header><a href="/">Clinic</a><nav><ul>
{% for item in menu %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}
</ul></nav></header>
<main id="main"><h1>{{ title }}</h1>
{% if toc %}<nav aria-label="On this page"><ul>{% for entry in toc %}<li><a href="#{{ entry.id }}">{{ entry.name }}</a></li>{% endfor %}</ul></nav>{% endif %}
{{ body }}</main>
<footer><p>Example Street 1, Syracuse</p><ul>
{% for item in menu %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}
</ul></footer></body></html>
"""
MENU = [{"url": f"/{name}/", "title": name.title()} for name in ("services", "conditions", "locations", "about")]

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where installed
_converter: markdown.Markdown | None = None
_template: jinja2.Template | None = None


def _start() -> None:
    global _converter, _template
    _converter = markdown.Markdown(extensions=["tables", "toc"], output_format="html")
    _template = jinja2.Environment(autoescape=True).from_string(LAYOUT)


def build_one(job: tuple[str, str]) -> None:
    source, output = job
    text = Path(source).read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=_YAML_LOADER)
    _converter.reset()
    html = _converter.convert(body)
    page = _template.render(title=meta["title"], description=meta.get("description", ""), menu=MENU,
                            toc=[token for token in _converter.toc_tokens], body=jinja2.utils.markupsafe.Markup(html))
    target = Path(output) / Path(source).stem / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    jobs = [(str(path), str(args.output)) for path in sorted(args.source.glob("*.md"))]
    with multiprocessing.get_context("fork").Pool(args.processes, initializer=_start) as pool:
        pool.map(build_one, jobs, chunksize=32)
    return 0


if __name__ == "__main__":
    sys.exit(main())
