"""No input ends in an internal error: every failure names a file and a line.

Two halves. A table of hostile inputs seen to crash the build, each with the
exact place and gist of the message it must give now. Then a Hypothesis test
that mutates the sources of the real site (bytes, YAML structure, single
values, template snippets) and asserts that every build either succeeds or
reports its problems as `path:line: message` lines: never a traceback, never
"unexpected", never an exit code other than 0 or 1.

Every build runs on a copy in a temporary folder; the working tree is never
touched. The mutation test is derandomized and bounded (FUZZ_EXAMPLES, which
the environment variable SITEGEN_FUZZ_EXAMPLES raises for a longer hunt).
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import SITE_PARTS, copy_real_site, run_build

FUZZ_EXAMPLES = int(os.environ.get("SITEGEN_FUZZ_EXAMPLES", "120"))
SUMMARY = re.compile(r"\d+ errors? found\.")
# path:line: message or path:line:column: message
LOCATED = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+)(?::\d+)?: \S")
TRAILERS = ("Nothing was written.", "The output folder was left as it was.")


def assert_located_report(site: Path, code: int, err: str) -> list[str]:
    """Exit 0 or 1; on 1, stderr is only located error lines and the summary. Returns the error lines."""
    assert code in (0, 1), f"exit code {code}:\n{err}"
    assert "Traceback" not in err, err
    assert "unexpected" not in err, err
    if code == 0:
        return []
    lines = err.splitlines()
    assert lines and lines[-1] in TRAILERS, err
    assert SUMMARY.fullmatch(lines[-2]), err
    reported = lines[:-2]
    assert reported, err
    for line in reported:
        match = LOCATED.match(line)
        assert match, f"not a 'path:line: message' line: {line!r}"
        assert (site / match["path"]).exists(), f"names no file of the site: {line!r}"
        assert int(match["line"]) >= 1, line
    return reported


# --- Hostile inputs once seen to crash the build -----------------------------

ABOUT = "content/pages/about.md"
LOCATIONS = "content/data/locations.yaml"
CONFIG = "site_config.yaml"
NESTED_LIST = "".join("    " * depth + "- deeper\n" for depth in range(400))


@dataclass(frozen=True)
class Hostile:
    path: str  # the file edited
    old: str | None  # replaced once by `new`; None: `new` (bytes) is appended
    new: str | bytes
    where: str  # the error line must start with this: path:line[:column]
    message: str  # regex searched in that line


HOSTILE = {
    "template-not-utf8": Hostile("templates/page.html", None, b"<p>caf\xe9</p>\n",
                                 "templates/page.html:{last}:", r"not UTF-8 text; save it with UTF-8"),
    "partial-not-utf8": Hostile("templates/components/cta.html", None, b"\xff\n",
                                "templates/components/cta.html:{last}:", r"not UTF-8 text"),
    "integer-5000-digits": Hostile(ABOUT, "weight: 10", "weight: " + "9" * 5000, f"{ABOUT}:4:9:",
                                   r"number of 5000 characters is too long; .*quotes if it is text"),
    "hex-integer-too-big-for-a-float": Hostile(LOCATIONS, "latitude: 43.134", "latitude: 0x" + "f" * 400,
                                               f"{LOCATIONS}:33:", r"too long"),
    "latitude-out-of-range": Hostile(LOCATIONS, "latitude: 43.134", "latitude: 1" + "0" * 99,
                              f"{LOCATIONS}:33:", r"latitude: '1000.* is out of range; give a number from -90 to 90"),
    "deeply-nested-list": Hostile(ABOUT, "\n---\n", "\n---\n\n" + NESTED_LIST, f"{ABOUT}:406:",
                                  r"nested too deeply to convert; put fewer lists"),
    "malformed-ipv6-link": Hostile(ABOUT, "\n---\n", "\n---\n\nSee [this](http://[::1).\n", f"{ABOUT}:7:",
                                   r"the link 'http://\[::1' is not a valid address \(Invalid IPv6 URL\)"),
    "link-with-bad-port": Hostile(ABOUT, "\n---\n", "\n---\n\nSee [this](https://example.com:99999/).\n",
                                  f"{ABOUT}:7:", r"not a valid address \(Port out of range"),
    "malformed-base-url": Hostile(CONFIG, "base_url: https://www.example.com", "base_url: http://[::1",
                                  f"{CONFIG}:9:11:", r"base_url: 'http://\[::1' is not a valid web address"),
    "base-url-bad-port": Hostile(CONFIG, "base_url: https://www.example.com", "base_url: https://x.org:port",
                                 f"{CONFIG}:9:11:", r"base_url: .* is not a valid web address"),
    "malformed-booking-url": Hostile(CONFIG, "booking_url: https://booking.example.com/hand-in-health ",
                                     "booking_url: https://[oops/ ", f"{CONFIG}:12:14:", r"booking_url: .*not a valid"),
    "template-includes-itself": Hostile("templates/page.html", "{% block content %}",
                                        "{% block content %}{% include 'page.html' %}", "templates/page.html:2:",
                                        r"include, extend or call each other without end"),
    "macro-calls-itself": Hostile("templates/page.html", "{% block content %}",
                                  "{% block content %}{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
                                  "templates/page.html:2:", r"without end"),
    "templates-extend-each-other": Hostile("templates/base.html", None, b"{% extends 'page.html' %}\n",
                                           "templates/page.html:1:", r"'page.html' extends 'base.html', which "
                                           r"leads back to it \(page.html -> base.html -> page.html\), without end"),
    "template-extends-itself": Hostile("templates/article.html", '{% extends "base.html" %}',
                                       '{% extends "article.html" %}', "templates/article.html:1:",
                                       r"\(article.html -> article.html\)"),
    "partial-extends-a-page": Hostile("templates/partials/toc.html", None, b"{% extends 'page.html' %}\n",
                                      "templates/partials/toc.html:{last}:",
                                      r"'partials/toc.html' extends 'page.html', which leads back to it"),
    "template-nested-too-deeply-to-compile": Hostile(
        "templates/page.html", "{% block content %}",
        "{% block content %}" + "{% for x in [1] %}" * 40 + "{% endfor %}" * 40, "templates/page.html:2:",
        r"nests {% %} blocks too deeply to compile"),
}


def _edit(site: Path, case: Hostile) -> None:
    path = site / case.path
    if case.old is None:
        path.write_bytes(path.read_bytes() + case.new)
        return
    text = path.read_text(encoding="utf-8")
    assert text.count(case.old) >= 1, f"{case.old!r} not in {case.path}"
    path.write_text(text.replace(case.old, case.new, 1), encoding="utf-8")


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_reported_at_its_place(real_site, case):
    _edit(real_site, case)
    code, _, err = run_build(real_site, "check")
    assert code == 1, err
    reported = assert_located_report(real_site, code, err)
    last = (real_site / case.path).read_bytes().count(b"\n")
    where = case.where.format(last=last)
    matching = [line for line in reported if line.startswith(where)]
    assert matching, f"no error at {where}:\n{err}"
    assert any(re.search(case.message, line) for line in matching), err


def test_command_line_base_url_must_be_a_valid_address(real_site):
    code, _, err = run_build(real_site, "check", "--base-url", "http://[::1")
    assert code == 2
    assert "'http://[::1' is not a valid web address" in err and "Traceback" not in err


# --- All problems of a run, together -------------------------------------------

def test_a_url_collision_is_reported_beside_front_matter_errors_elsewhere(real_site):
    pages = real_site / "content" / "pages"
    (pages / "about-us.md").write_text("---\ntitle: About us\ndescription: Us.\nurl: /about/\n---\n\nHi.\n",
                                       encoding="utf-8")
    insurance = pages / "insurance.md"
    insurance.write_text(insurance.read_text(encoding="utf-8").replace("title:", "tittle:", 1), encoding="utf-8")
    code, _, err = run_build(real_site, "check")
    reported = assert_located_report(real_site, code, err)
    assert code == 1
    assert any(line.startswith("content/pages/") and "/about/ is produced twice" in line for line in reported), err
    assert any(line.startswith("content/pages/insurance.md:") and "unknown key 'tittle'" in line
               for line in reported), err
    # insurance.md did not load, so links to /insurance/ are not (falsely) reported as broken.
    assert not any("/insurance/" in line and "leads to no page" in line for line in reported), err
    assert not any("navigation" in line for line in reported), err


def test_markdown_mistakes_are_reported_beside_front_matter_errors_elsewhere(real_site):
    pages = real_site / "content" / "pages"
    about = pages / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n::: comparisn\n", encoding="utf-8")
    contact = pages / "contact.md"
    contact.write_text(contact.read_text(encoding="utf-8").replace("description:", "descripton:", 1),
                       encoding="utf-8")
    code, _, err = run_build(real_site, "check")
    reported = assert_located_report(real_site, code, err)
    assert any(line.startswith("content/pages/about.md:") and "unknown directive 'comparisn'" in line
               for line in reported), err
    assert any(line.startswith("content/pages/contact.md:") and "descripton" in line for line in reported), err
    assert not any("/contact/" in line for line in reported), err


# --- Mutations of every source file of the real site ----------------------------

def _source_files() -> list[str]:
    from conftest import REPO_ROOT
    files = []
    for part in SITE_PARTS:
        base = REPO_ROOT / part
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        files += [p.relative_to(REPO_ROOT).as_posix() for p in paths if p.suffix in (".yaml", ".md", ".html", ".xml", ".txt")]
    return files


SOURCE_FILES = _source_files()

ODD_BYTES = [b"\xff", b"\xc3", b"\xe9", b"\x00", b"\x1b", b"\x7f", b"\r", b"\t", b"\xef\xbb\xbf",
             b"\xe2\x80\xa8", b"\xed\xa0\x80", b"\x85", b"---\n", b"\n---\n", b":::\n"]
ODD_VALUES = [
    "9" * 5000, "-" + "9" * 4301, "0x" + "f" * 500, "0o" + "7" * 200, "1e400", "-.inf", ".nan", "1" + "0" * 120,
    "[" * 100 + "]" * 100, "{a: " * 80 + "1" + "}" * 80, "[[[[[[[[", "{x: [1, {y: ", "x" * 20000,
    "http://[::1", "https://exa mple.com", "https://example.com:99999/", "javascript:alert(1)", "//evil.example",
    "/../../../etc/passwd", "mailto:", "data:text/html,<script>alert(1)</script>", "http://", "https://[::1]:x/",
    "\u202eevil", "\U0001d518\U0001d52b\U0001d526", "caf\u00e9", "\u0000", "~", "null", "true", "", "''", '"',
    "'unterminated", "*alias", "&anchor x", "!!python/object:os.system x", "- a\n- b", "a: b: c", "|", ">",
    "{{ 7*7 }}", "{% include 'base.html' %}", "2026-02-30", "25:00-26:00", "#ggg", "?", "@", "%", "\\", "\t",
]
MARKDOWN_LINES = [
    "".join("    " * depth + "- x\n" for depth in range(300)), "> " * 600 + "quote", "<div>" * 800,
    "*_" * 500 + "x" + "_*" * 500, "[" * 500 + "x" + "](/)" * 500, "[x](http://[::1)", "[x](https://e.org:99999)",
    "::: comparison nope", "::: ", ":::", "::: call-to-action heading=\"", "::: locations heading-level=9",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "# Another h1",
    "[x](/no-such-page/)", "[x](#nowhere)", "| a | b |\n|---|---|\n| 1 |", "```\nunclosed fence", "`" * 3000,
    "&#0; &#xD800; &#99999999;", "<!--", "<![CDATA[", "\x00\x01\x02", "[^1]: note", "*[HTML]: x",
    "{: #id .class onclick=alert(1) }", "![](https://tracker.example/x.png)", "---\ntitle: again\n---",
    "-" * 100_000 + "x", "| " * 20_000 + "x", "=" * 50_000, " " * 50_000 + "x",
]
TEMPLATE_SNIPPETS = [
    "{% include 'page.html' %}", "{% extends 'page.html' %}", "{{ no_such_name }}", "{{ page.title|no_filter }}",
    "{% for %}", "{% if %}", "{{ 1/0 }}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% for x in [1] %}" * 30 + "{% endfor %}" * 30, "{{ site.base_url[:3]|int }}", "<a href=\"http://[::1\">x</a>",
    "<a href=\"/nowhere/\">x</a>", "<a href=\"#nowhere\">x</a>", "<h1>twice</h1>", "{% include 'nope.html' %}",
    "{{ '%d'|format('x') }}", "{% raw %}", "{{", "}}", "{#", "{% set x = x + 1 %}",
    "{{ page.missing.deeper }}",
]

LINE_KEY = re.compile(r"^(\s*(?:- )?[A-Za-z_][\w-]*:[ \t]+)(\S.*)$")


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def mutations(draw):
    """(file, new bytes): one file of the real site, changed in one way (each example changes one to three)."""
    rel = draw(st.sampled_from(SOURCE_FILES))
    from conftest import REPO_ROOT
    data = (REPO_ROOT / rel).read_bytes()
    lines = _lines(data)
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete-line", "duplicate-line", "reindent",
                                 "map-to-list", "value", "value", "value", "line", "line"]))
    position = draw(st.integers(0, max(0, len(data) - 1)))
    index = draw(st.integers(0, max(0, len(lines) - 1)))
    if kind == "flip":
        new = data[:position] + bytes([draw(st.integers(0, 255))]) + data[position + 1:]
    elif kind == "truncate":
        new = data[:position]
    elif kind == "insert":
        chunk = draw(st.one_of(st.sampled_from(ODD_BYTES), st.binary(min_size=1, max_size=6)))
        new = data[:position] + chunk + data[position:]
    elif kind == "delete-line":
        new = b"\n".join(lines[:index] + lines[index + 1:])
    elif kind == "duplicate-line":
        new = b"\n".join(lines[:index + 1] + lines[index:])
    elif kind == "reindent":
        shift = draw(st.sampled_from([-4, -2, -1, 1, 2, 4, 8]))
        line = lines[index]
        lines[index] = line[-shift:] if shift < 0 and line[:-shift].strip() == b"" else b" " * max(shift, 0) + line
        new = b"\n".join(lines)
    elif kind == "map-to-list":
        # Turn one mapping line into a list item, or a block of lines into flow style.
        lines[index] = b"- " + lines[index].lstrip() if draw(st.booleans()) else b"[" + lines[index] + b"]"
        new = b"\n".join(lines)
    else:
        text = data.decode("utf-8")
        text_lines = text.split("\n")
        if kind == "value":
            keyed = [n for n, line in enumerate(text_lines) if LINE_KEY.match(line)]
            if not keyed:
                keyed = [index]
            number = draw(st.sampled_from(keyed))
            value = draw(st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=30)))
            match = LINE_KEY.match(text_lines[number])
            text_lines[number] = (match[1] if match else "") + value
        else:
            pool = TEMPLATE_SNIPPETS if rel.startswith("templates/") else MARKDOWN_LINES + ODD_VALUES
            snippet = draw(st.sampled_from(pool))
            text_lines.insert(index, snippet)
        new = "\n".join(text_lines).encode("utf-8", "surrogatepass")
    return rel, new


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory) -> Path:
    """One copy of the real site; each example changes one file and puts it back."""
    return copy_real_site(tmp_path_factory.mktemp("fuzz") / "site")


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize="SITEGEN_FUZZ_EXAMPLES" not in os.environ,
          database=None,
          phases=[Phase.explicit, Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(changes=st.lists(mutations(), min_size=1, max_size=3, unique_by=lambda change: change[0]))
def test_no_mutation_of_the_sources_ends_in_an_internal_error(fuzz_site, changes):
    originals = {rel: (fuzz_site / rel).read_bytes() for rel, _ in changes}
    try:
        for rel, new in changes:
            (fuzz_site / rel).write_bytes(new)
        code, _, err = run_build(fuzz_site, "check")
        assert_located_report(fuzz_site, code, err)
    finally:
        for rel, data in originals.items():
            (fuzz_site / rel).write_bytes(data)
        shutil.rmtree(fuzz_site / "output", ignore_errors=True)
