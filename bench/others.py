"""Other generators timed on the same corpus in the same run: Eleventy and Hugo.

Each gets the corpus pages as its content and a small layout of about the
same size as ours (head, menu, "On this page" is left out, footer), and
builds with its defaults (Hugo: Goldmark with typographer; Eleventy:
markdown-it). Either is used only when it is installed:

- Hugo: the `hugo` command (Debian: `apt-get install hugo`);
- Eleventy: `bench/.cache/node_modules/.bin/eleventy`, which
  `python bench/bench_build.py --install-eleventy` puts there with npm
  (git-ignored), or an `eleventy` command on the PATH.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / ".cache"
ELEVENTY_PACKAGE = "@11ty/eleventy@3"

_HEAD = ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title} | Clinic</title>\n'
         '<meta name="description" content="{description}"><link rel="stylesheet" href="/site.css"></head>\n'
         '<body><header><a href="/">Clinic</a><nav><ul><li><a href="/services/">Services</a></li>'
         '<li><a href="/locations/">Locations</a></li></ul></nav></header>\n<main id="main"><h1>{title}</h1>\n')
_FOOT = '</main>\n<footer><p>Example Street 1, Syracuse</p></footer></body></html>\n'


def install_eleventy() -> bool:
    npm = shutil.which("npm")
    if npm is None:
        print("npm is not installed; skipping Eleventy")
        return False
    CACHE.mkdir(exist_ok=True)
    result = subprocess.run([npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "--silent",
                             ELEVENTY_PACKAGE], check=False)
    return result.returncode == 0


def eleventy_command() -> list[str] | None:
    local = CACHE / "node_modules" / ".bin" / "eleventy"
    if local.exists():
        return [str(local)]
    found = shutil.which("eleventy")
    return [found] if found else None


def eleventy_version(command: list[str]) -> str:
    result = subprocess.run([*command, "--version"], capture_output=True, text=True, check=False)
    return result.stdout.strip() or "?"


def hugo_command() -> list[str] | None:
    found = shutil.which("hugo")
    return [found] if found else None


def hugo_version(command: list[str]) -> str:
    result = subprocess.run([*command, "version"], capture_output=True, text=True, check=False)
    return (result.stdout.split() or ["", "?"])[1]


def make_eleventy_site(folder: Path, corpus: Path) -> list[str]:
    """An Eleventy project for the corpus; returns the build command's arguments."""
    source = folder / "src"
    shutil.copytree(corpus, source)
    (source / "_includes").mkdir()
    (source / "_includes" / "layout.njk").write_text(
        _HEAD.format(title="{{ title }}", description="{{ description }}") + "{{ content | safe }}\n" + _FOOT,
        encoding="utf-8")
    config = folder / "eleventy.config.mjs"
    config.write_text('export default function (config) { config.addGlobalData("layout", "layout.njk"); }\n',
                      encoding="utf-8")
    return ["--input", str(source), "--output", str(folder / "_site"), "--config", str(config), "--quiet"]


def make_hugo_site(folder: Path, corpus: Path) -> list[str]:
    """A Hugo site for the corpus; returns the build command's arguments."""
    shutil.copytree(corpus, folder / "content")
    (folder / "hugo.toml").write_text(
        'baseURL = "https://www.example.com/"\ntitle = "Clinic"\nbuildFuture = true\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
        '[markup.goldmark.renderer]\nunsafe = true\n', encoding="utf-8")
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(
        _HEAD.format(title="{{ .Title }}", description="{{ .Description }}") + "{{ .Content }}\n" + _FOOT,
        encoding="utf-8")
    (layouts / "list.html").write_text(
        _HEAD.format(title="{{ .Title }}", description="") + "{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">"
        "{{ .Title }}</a> {{ end }}\n" + _FOOT, encoding="utf-8")
    return ["--source", str(folder), "--destination", str(folder / "public"), "--quiet"]
