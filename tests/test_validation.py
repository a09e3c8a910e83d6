"""Bad input: one small mistake per case, each reported at its file and line.

The table-driven test copies the fixture site with a good build already in
output/, applies one mutation, builds, and checks the exit code, the exact
location and gist of the message, the summary lines, and that output/ was
left byte-for-byte as it was. The other tests cover YAML 1.2 typing, drafts,
unsafe HTML, and the command line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import pytest

import sitegen.cli
import sitegen.incremental
from conftest import run_build, run_cli, run_subprocess, snapshot, strip_warnings
from htmlparse import parse
from sitegen.errors import ErrorCollector
from sitegen.schema import INVALID, Boolean, Context, Text
from sitegen.yamlsource import YMap, YScalar, parse_yaml, resolve_plain_scalar

ABOUT = "content/pages/about.md"
ARTICLE = "content/articles/first-visit.md"
SERVICES = "content/data/services.yaml"
CONDITIONS = "content/data/conditions.yaml"
LOCATIONS = "content/data/locations.yaml"
CONFIG = "site_config.yaml"
PAGE_TEMPLATE = "templates/page.html"

# `path:line:col: message` or `path:line: message` or `path: message`.
ERROR_LINE = re.compile(r"^[^:\n]+(:\d+(:\d+)?)?: .+")
ANY_COLUMN = "any"


@dataclass(frozen=True)
class Bad:
    """One mistake and where it must be reported.

    edits: (file, old, new) replaces `old` (which must occur once) with `new`;
           (file, None, text_or_bytes) writes the whole file; or a function of the site root.
    line:  a number, a needle (the one line of the mutated file containing it), or None.
    column: a number, None (the message has no column) or ANY_COLUMN.
    message: regex searched in the error line at that location.
    errors: how many errors the run must report in total (None: at least one).
    """

    edits: tuple
    path: str
    line: Union[int, str, None]
    column: Union[int, str, None]
    message: str
    errors: Union[int, None] = 1


def front_matter_line(line: str) -> tuple:
    """Add a line to about.md's front matter, after `weight: 10` (so on line 5)."""
    return (ABOUT, "weight: 10\n", f"weight: 10\n{line}\n")


def before_second_heading(markdown: str) -> tuple:
    """Put Markdown on line 13 of about.md, as its own paragraph."""
    return (ABOUT, "## Sports massage treats", f"{markdown}\n\n## Sports massage treats")


def add_file(path: str, text) -> tuple:
    return (path, None, text)


TEAM_PAGE = "---\ntitle: Our team\ndescription: Who works here.\nurl: /people/\n---\n\nHello.\n"

CASES = {
    # Front matter ------------------------------------------------------------------
    "unknown-key-tittle": Bad(((ABOUT, "title:", "tittle:"),), ABOUT, "tittle:", 1,
                              r"unknown key 'tittle'; did you mean 'title'\?"),
    "missing-title": Bad(((ABOUT, "title: About the fixture clinic\n", ""),), ABOUT, 2, 1,
                         r"missing required key 'title'"),
    "missing-description": Bad(((ABOUT, "description: A page that uses every directive once.\n", ""),),
                               ABOUT, 2, 1, r"missing required key 'description'"),
    "impossible-date": Bad(((ARTICLE, "date: 2026-03-03", "date: 2026-02-30"),), ARTICLE, "date:", 7,
                           r"date: '2026-02-30' is not a real date; write it as YYYY-MM-DD"),
    "date-in-words": Bad(((ARTICLE, "date: 2026-03-03", "date: March 3, 2026"),), ARTICLE, "date:", 7,
                         r"date: 'March 3, 2026' is not a date; write it as YYYY-MM-DD"),
    "article-without-date": Bad(((ARTICLE, "date: 2026-03-03\n", ""),), ARTICLE, 2, 1,
                                r"missing required key 'date'"),
    "draft-quoted-yes": Bad((front_matter_line('draft: "yes"'),), ABOUT, "draft:", 8,
                            r"draft: expected true or false, found 'yes'"),
    "draft-yes-is-not-a-boolean": Bad((front_matter_line("draft: yes"),), ABOUT, "draft:", 8,
                                      r"draft: expected true or false, found 'yes'"),
    "weight-in-words": Bad(((ABOUT, "weight: 10", "weight: ten"),), ABOUT, "weight:", 9,
                           r"weight: expected a whole number, found 'ten'"),
    "front-matter-yaml-syntax-error": Bad(
        ((ABOUT, "description: A page that", "description: A page: that"),), ABOUT, 3, 20,
        r"YAML syntax error: mapping values are not allowed.*; a value that contains ': ' must be put in quotes"),
    "front-matter-yaml-tag": Bad(((ABOUT, "weight: 10", "weight: !!int 10"),), ABOUT, "weight:", 9,
                                 r"YAML tags such as .* are not supported"),
    "front-matter-not-closed": Bad(((ABOUT, "weight: 10\n---\n", "weight: 10\n"),), ABOUT, 1, 1,
                                   r"front matter is not closed; add a line '---'"),
    "no-front-matter": Bad((add_file(ABOUT, "Just some text.\n"),), ABOUT, 1, 1, r"missing front matter"),
    "empty-front-matter": Bad((add_file(ABOUT, "---\n---\nBody.\n"),), ABOUT, 2, 1, r"front matter is empty"),
    "front-matter-is-a-list": Bad((add_file(ABOUT, "---\n- title\n- description\n---\n"),), ABOUT, 2, 1,
                                  r"expected a front matter \(key: value lines\), found a list"),
    "not-utf8": Bad(((lambda root: (root / ABOUT).write_bytes(
        (root / ABOUT).read_bytes().replace(b"weight: 10\n", b"weight: 10\n# caf\xff\n"))),),
        ABOUT, 5, None, r"this file is not UTF-8 text"),
    "control-character-in-front-matter": Bad(((ABOUT, "weight: 10", "weight: 1\x070"),), ABOUT, "weight:", ANY_COLUMN,
                                             r"control character|not allowed|#x0007"),
    "file-name-not-a-url": Bad((add_file("content/pages/About Us.md", "---\ntitle: A\ndescription: B\n---\n"),),
                               "content/pages/About Us.md", None, None, r"'About Us' cannot be part of a URL"),
    # Data files ----------------------------------------------------------------------
    "tab-indentation": Bad(((LOCATIONS, "    city: Syracuse", "\tcity: Syracuse"),), LOCATIONS, "\tcity", 1,
                           r"YAML syntax error: .*tab.*; indent with spaces"),
    "duplicate-key": Bad(((LOCATIONS, "    city: Syracuse", "    city: Syracuse\n    city: Other"),),
                         LOCATIONS, "city: Other", 5, r"duplicate key 'city' \(first given on line 27\)"),
    "empty-data-file": Bad((add_file(CONDITIONS, ""),), CONDITIONS, 1, None, r"file is empty"),
    "phone-too-short": Bad(((LOCATIONS, "315.555.0122", "315-555"),), LOCATIONS, "315-555", 12,
                           r"locations\[1\]\.phone: '315-555' is not a phone number; write ten digits"),
    "bad-email": Bad(((LOCATIONS, "downtown@example.com", "downtown.example.com"),), LOCATIONS,
                     "downtown.example.com", 12, r"locations\[1\]\.email: 'downtown\.example\.com' is not an email"),
    "hours-9-5": Bad(((LOCATIONS, "monday: 10:00-18:00", "monday: 9-5"),), LOCATIONS, "9-5", 15,
                     r"hours\.monday: '9-5' is not opening hours; write HH:MM-HH:MM"),
    "hours-close-before-open": Bad(((LOCATIONS, "monday: 10:00-18:00", "monday: 18:00-10:00"),), LOCATIONS,
                                   "18:00-10:00", 15, r"hours\.monday: '18:00-10:00' closes before it opens"),
    "missing-weekday": Bad(((LOCATIONS, "      tuesday: closed\n", ""),), LOCATIONS, "monday: 10:00", 7,
                           r"locations\[1\]\.hours: missing required key 'tuesday'"),
    "unknown-weekday": Bad(((LOCATIONS, "      tuesday: closed\n", "      tuseday: closed\n"),),
                           LOCATIONS, "tuseday", 7, r"locations\[1\]\.hours: unknown key 'tuseday'; did you mean 'tuesday'\?"),
    "extra-weekday": Bad(((LOCATIONS, "      tuesday: closed\n", "      tuesday: closed\n      funday: closed\n"),),
                         LOCATIONS, "funday", 7, r"locations\[1\]\.hours: unknown key 'funday'"),
    "region-lowercase": Bad(((LOCATIONS, "region: NY\n    postal_code: \"13202\"", "region: ny\n    postal_code: \"13202\""),),
                            LOCATIONS, "region: ny", 13, r"'ny' is not a two-letter state code"),
    "latitude-in-words": Bad(((LOCATIONS, "    services: [medical-massage, therapeutic-massage]\n",
                               "    services: [medical-massage, therapeutic-massage]\n"
                               "    coordinates: {latitude: north, longitude: -76.1}\n"),),
                             LOCATIONS, "latitude: north", 29, r"coordinates\.latitude: expected a number, found 'north'"),
    "slug-with-space": Bad(((SERVICES, "slug: sports-massage", "slug: Deep Tissue"),), SERVICES, "Deep Tissue", 11,
                           r"services\[2\]\.slug: 'Deep Tissue' is not a slug; use lowercase letters", None),
    "bad-slug-in-first-service": Bad(((SERVICES, "slug: medical-massage", "slug: Medical Massage"),), SERVICES,
                                     "Medical Massage", 11, r"services\[0\]\.slug: 'Medical Massage' is not a slug", None),
    "duplicate-slug": Bad(((CONDITIONS, "slug: stress", "slug: sciatica"),), CONDITIONS, 9, 11,
                          r"conditions\[1\]\.slug: 'sciatica' is already used by conditions\[0\]"),
    "duplicate-slug-after-an-invalid-record": Bad(
        ((CONDITIONS, "slug: sciatica", "slug: Sciatica"), (CONDITIONS, "slug: sports-injuries", "slug: stress")),
        CONDITIONS, 21, 11, r"conditions\[3\]\.slug: 'stress' is already used by conditions\[1\]", 2),
    "condition-unknown-service": Bad(((CONDITIONS, "services: [therapeutic-massage]", "services: [therapeutik-massage]"),),
                                     CONDITIONS, "therapeutik", 16,
                                     r"conditions\[1\]\.services\[0\]: unknown service 'therapeutik-massage'; "
                                     r"did you mean 'therapeutic-massage'\?"),
    "service-note-for-unlisted-service": Bad(((CONDITIONS, "sports-massage: Loosens", "sport-massage: Loosens"),),
                                             CONDITIONS, "sport-massage:", 7,
                                             r"service_notes: 'sport-massage' is not one of this condition's services"),
    "location-unknown-service": Bad(((LOCATIONS, "services: [medical-massage, therapeutic-massage]\n",
                                      "services: [medical-massage, theraputic-massage]\n"),),
                                    LOCATIONS, "theraputic", 33,
                                    r"locations\[1\]\.services\[1\]: unknown service 'theraputic-massage'; "
                                    r"did you mean 'therapeutic-massage'\?"),
    "comparison-row-unknown-field": Bad(((SERVICES, "field: focus", "field: fokus"),), SERVICES, "fokus", 12,
                                        r"comparison\[2\]\.field: 'fokus' is not a service field"),
    "mistake-inside-a-service-is-one-error": Bad(
        ((SERVICES, "      - Compression\n      - Stretching\n", "      Compression\n"),), SERVICES,
        "      Compression", 7, r"services\[2\]\.techniques: expected a list of text, found 'Compression'", 1),
    "body-file-outside-content": Bad(
        ((SERVICES, "body_file: services/medical-massage.md", "body_file: ../site_config.yaml"),), SERVICES,
        "body_file:", ANY_COLUMN, r"body_file.*(outside content|not a Markdown file)"),
    "markdown-body-file-outside-content": Bad(
        ((SERVICES, "body_file: services/medical-massage.md", "body_file: ../templates/notes.md"),), SERVICES,
        "body_file:", ANY_COLUMN, r"body_file '\.\./templates/notes\.md' is outside content/"),
    "body-file-missing": Bad(((SERVICES, "body_file: services/medical-massage.md", "body_file: services/nope.md"),),
                             SERVICES, "body_file:", ANY_COLUMN, r"body_file 'content/services/nope\.md' does not exist"),
    # site_config.yaml ---------------------------------------------------------------------
    "config-unknown-key-colours": Bad(((CONFIG, "colors:", "colours:"),), CONFIG, "colours:", 1,
                                      r"unknown key 'colours'; did you mean 'colors'\?"),
    "config-bad-base-url": Bad(((CONFIG, "base_url: https://fixture.example.org", "base_url: fixture.example.org"),),
                               CONFIG, "base_url:", 11, r"base_url: 'fixture\.example\.org' is not a web address"),
    "config-colour-not-hex": Bad(((CONFIG, 'primary: "#1d5c57"', "primary: teal"),), CONFIG, "primary: teal", 12,
                                 r"colors\.primary: 'teal' is not a colour"),
    "navigation-to-missing-page": Bad(((CONFIG, "url: /about/", "url: /about-us/"),), CONFIG, "/about-us/", None,
                                      r"navigation entry 'About' links to /about-us/, which is not a page"),
    "navigation-to-missing-fragment": Bad(((CONFIG, "url: /about/", "url: /about/#team"),), CONFIG, "/about/#team",
                                          ANY_COLUMN, r"'#team'|#team"),
    # Routes ------------------------------------------------------------------------------
    "same-url-override-twice": Bad((front_matter_line("url: /people/"), add_file("content/pages/team.md", TEAM_PAGE)),
                                   "content/pages/team.md", "url:", None,
                                   r"/people/ is produced twice: by content/pages/about\.md and by content/pages/team\.md",
                                   None),
    "url-override-taking-a-generated-page": Bad((front_matter_line("url: /services/"),), ABOUT, "url:", ANY_COLUMN,
                                                r"/services/ is produced twice: by .*content/pages/about\.md", None),
    "url-override-escaping": Bad((front_matter_line("url: /../escape/"),), ABOUT, "url:", 6,
                                 r"url: '/\.\./escape/' may not contain '\.' or '\.\.' segments"),
    "static-file-overwrites-a-page": Bad((add_file("static/about/index.html", "<p>x</p>"),),
                                         "static/about/index.html", None, None, r"would overwrite the page at /about/"),
    # Markdown ------------------------------------------------------------------------------
    "link-to-missing-page": Bad(((ABOUT, "(/services/)", "(/servicez/)"),), ABOUT, "/servicez/", None,
                                r"the link '/servicez/' leads to no page on this site"),
    "link-to-missing-fragment": Bad(((ABOUT, "(/locations/#main)", "(/locations/#opening-hours)"),), ABOUT,
                                    "#opening-hours", None,
                                    r"the link '/locations/#opening-hours' leads to no heading or id '#opening-hours' on /locations/"),
    "link-in-condition-body": Bad(((CONDITIONS, "into the leg.", "into the [leg](/nowhere/)."),), CONDITIONS,
                                  "(/nowhere/)", None, r"the link '/nowhere/' leads to no page"),
    "link-in-inline-service-body": Bad(((SERVICES, "helps you relax.", "helps you [relax](/nowhere/)."),), SERVICES,
                                       "(/nowhere/)", None, r"the link '/nowhere/' leads to no page"),
    "link-in-service-body-file": Bad((("content/services/medical-massage.md", "or an injury.",
                                       "or an [injury](/nowhere/)."),), "content/services/medical-massage.md",
                                     "(/nowhere/)", None, r"the link '/nowhere/' leads to no page"),
    "directive-in-condition-body": Bad(((CONDITIONS, "into the leg.\n", "into the leg.\n\n      ::: comparison nope\n"),),
                                       CONDITIONS, "::: comparison nope", None,
                                       r"directive 'comparison': unknown service 'nope'"),
    "javascript-link": Bad((before_second_heading("[x](javascript:alert(1))"),), ABOUT, "javascript:", None,
                           r"the link 'javascript:alert\(1\)' uses the scheme 'javascript:'"),
    "raw-script": Bad((before_second_heading("<script>alert(1)</script>"),), ABOUT, "<script>", None,
                      r"the HTML element <script> is not allowed in content"),
    "raw-iframe": Bad((before_second_heading('<iframe src="https://video.example.com/"></iframe>'),), ABOUT,
                      "<iframe", None, r"the HTML element <iframe> is not allowed in content"),
    "raw-onclick": Bad((before_second_heading('<div onclick="alert(1)">Hi</div>'),), ABOUT, "onclick", None,
                       r"the attribute 'onclick' on <div> is not allowed"),
    "attr-list-onclick": Bad((before_second_heading('A paragraph.\n{: onclick="alert(1)" }'),), ABOUT, "{: onclick",
                             None, r"the attribute 'onclick' on <p> is not allowed"),
    "second-h1-in-markdown": Bad(((ABOUT, "## Two services compared", "# Two services compared"),), ABOUT,
                                 "# Two services compared", None, r"h1|heading"),
    # Templates ------------------------------------------------------------------------------
    "template-syntax-error": Bad(((PAGE_TEMPLATE, '{% include "partials/toc.html" %}',
                                   '{% include "partials/toc.html" %}\n{% if %}'),), PAGE_TEMPLATE, "{% if %}", None,
                                 r"template syntax error"),
    "template-undefined-variable": Bad(((PAGE_TEMPLATE, "<h1>{{ page.title }}</h1>",
                                         "<h1>{{ page.title }}</h1>\n<p>{{ nosuchthing }}</p>"),), PAGE_TEMPLATE,
                                       "nosuchthing", None, r"undefined.*'nosuchthing' is undefined"),
    "template-undefined-attribute-in-partial": Bad(
        (("templates/partials/footer.html", '<p class="footer-copyright">', '<p>{{ site.phone }}</p>\n<p class="footer-copyright">'),),
        "templates/partials/footer.html", "site.phone", None, r"undefined.*has no attribute 'phone'"),
    "template-not-found": Bad((front_matter_line("template: nonexistent"),), ABOUT, "template:", None,
                              r"template 'nonexistent' not found in templates/"),
}


def apply_edit(root: Path, edit) -> None:
    if callable(edit):
        edit(root)
        return
    relative, old, new = edit
    path = root / relative
    if old is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(new, bytes):
            path.write_bytes(new)
        else:
            path.write_text(new, encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def expected_prefix(root: Path, case: Bad) -> str:
    """The regex the error line must start with: path, line and column as the case says."""
    line = case.line
    if isinstance(line, str):
        text = (root / case.path).read_bytes().decode("utf-8", errors="replace")
        numbers = [n for n, content in enumerate(text.split("\n"), 1) if line in content]
        assert len(numbers) == 1, f"{line!r} must be on exactly one line of {case.path}"
        line = numbers[0]
    where = re.escape(case.path)
    if line is not None:
        where += f":{line}"
        if case.column == ANY_COLUMN:
            where += r"(:\d+)?"
        elif case.column is not None:
            where += f":{case.column}"
    return "^" + where + ": "


def assert_error_report(err: str, errors: int | None) -> list[str]:
    """The whole of stderr is error lines and the two summary lines; returns the error lines."""
    assert "Traceback" not in err
    assert "unexpected" not in err, f"an internal error, not a report of the mistake:\n{err}"
    lines = strip_warnings(err).splitlines()
    assert len(lines) >= 3, err
    assert lines[-1] == "The output folder was left as it was."
    count = re.fullmatch(r"(\d+) errors? found\.", lines[-2])
    assert count, lines[-2]
    reported = lines[:-2]
    assert int(count[1]) == len(reported)
    assert lines[-2] == (f"{len(reported)} error found." if len(reported) == 1 else f"{len(reported)} errors found.")
    for line in reported:
        assert ERROR_LINE.match(line), f"not a 'file:line: message' line: {line!r}"
    if errors is not None:
        assert len(reported) == errors, f"expected {errors} error(s):\n{err}"
    return reported


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_mistake_is_reported_at_its_file_and_line(prebuilt_fixture_site, case):
    root = prebuilt_fixture_site
    before = snapshot(root / "output")
    assert "index.html" in before
    for edit in case.edits:
        apply_edit(root, edit)

    code, out, err = run_build(root)

    assert code == 1, f"exit {code}\n{out}\n{err}"
    reported = assert_error_report(err, case.errors)
    prefix = re.compile(expected_prefix(root, case))
    located = [line for line in reported if prefix.match(line)]
    assert located, f"no error at {prefix.pattern}:\n{err}"
    assert any(re.search(case.message, line) for line in located), f"{case.message!r} not in:\n{err}"
    assert snapshot(root / "output") == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".output-")] == []


def test_there_are_at_least_thirty_distinct_cases():
    assert len(CASES) >= 30


def test_all_problems_are_reported_in_one_run(prebuilt_fixture_site):
    root = prebuilt_fixture_site
    apply_edit(root, (ABOUT, "weight: 10", "weight: ten"))
    apply_edit(root, (LOCATIONS, "downtown@example.com", "downtown.example.com"))
    code, _, err = run_build(root)
    assert code == 1
    reported = assert_error_report(err, 2)
    assert any(line.startswith(f"{ABOUT}:4:9: weight:") for line in reported), err
    assert any(line.startswith(f"{LOCATIONS}:31:12: locations[1].email:") for line in reported), err
    assert strip_warnings(err).splitlines()[-2] == "2 errors found."


def test_problems_in_many_files_are_all_reported(prebuilt_fixture_site):
    root = prebuilt_fixture_site
    apply_edit(root, (ABOUT, "title:", "tittle:"))
    apply_edit(root, (ARTICLE, "date: 2026-03-03", "date: 2026-13-01"))
    apply_edit(root, (LOCATIONS, "315.555.0122", "555"))
    apply_edit(root, (SERVICES, "field: focus", "field: fokus"))
    apply_edit(root, (CONFIG, "language: en-US", "language: English"))
    code, _, err = run_build(root)
    assert code == 1
    reported = assert_error_report(err, None)
    files = {line.split(":")[0] for line in reported}
    assert files == {ABOUT, ARTICLE, LOCATIONS, SERVICES, CONFIG}
    assert [line.split(":")[0] for line in reported] == sorted(line.split(":")[0] for line in reported)


# YAML 1.2 semantics ---------------------------------------------------------------------

def scalar(text: str) -> YScalar:
    node = parse_yaml(f"value: {text}\n", "test.yaml")
    assert isinstance(node, YMap)
    value = node.items["value"][1]
    assert isinstance(value, YScalar)
    return value


def test_unquoted_postal_code_keeps_its_leading_zero():
    node = scalar("01234")
    assert node.text == "01234"
    errors = ErrorCollector()
    assert Text(pattern=r"\d{5}")(node, "postal_code", Context("test.yaml", errors)) == "01234"
    assert not errors


def test_country_no_is_text_not_false():
    node = scalar("NO")
    assert node.value == "NO"
    errors = ErrorCollector()
    assert Text(pattern=r"[A-Z]{2}")(node, "country", Context("test.yaml", errors)) == "NO"
    assert not errors


@pytest.mark.parametrize("text", ["10:30", "09:00-17:00", "1:20:30"])
def test_times_stay_text(text):
    node = scalar(text)
    assert node.value == text and isinstance(node.value, str)


@pytest.mark.parametrize("text", ["yes", "no", "Yes", "NO", "on", "off", "y", "n", "Y", "N"])
def test_only_true_and_false_are_booleans(text):
    node = scalar(text)
    assert node.value == text
    errors = ErrorCollector()
    assert Boolean()(node, "draft", Context("test.yaml", errors)) is INVALID
    assert len(errors) == 1 and "expected true or false" in errors.errors[0].message


@pytest.mark.parametrize("text, value", [("true", True), ("True", True), ("TRUE", True),
                                         ("false", False), ("False", False), ("FALSE", False)])
def test_true_and_false_are_booleans(text, value):
    assert resolve_plain_scalar(text) is value
    assert Boolean()(scalar(text), "draft", Context("test.yaml", ErrorCollector())) is value


@pytest.mark.parametrize("text, value", [("12", 12), ("-3", -3), ("0o17", 15), ("0x1F", 31), ("1.5", 1.5),
                                         ("1e3", 1000.0), ("~", None), ("null", None), ("", None),
                                         ("012", 12), ("1_000", "1_000"), ("0b101", "0b101")])
def test_core_schema_numbers_and_nulls(text, value):
    resolved = resolve_plain_scalar(text)
    assert resolved == value and type(resolved) is type(value)


def test_quoted_scalars_are_always_text():
    node = parse_yaml('a: "true"\nb: \'12\'\n', "test.yaml")
    assert node.items["a"][1].value == "true" and not node.items["a"][1].plain
    assert node.items["b"][1].value == "12"


def test_unquoted_postal_code_reaches_the_page(fixture_site):
    apply_edit(fixture_site, (LOCATIONS, 'postal_code: "13202"', "postal_code: 01234\n    country: NO"))
    code, _, err = run_build(fixture_site)
    assert code == 0, err
    page = parse((fixture_site / "output/locations/downtown/index.html").read_text(encoding="utf-8"))
    address = page.find("main").find("address")
    assert "Syracuse, NY 01234" in address.text_content()


def test_opening_hours_written_unquoted_are_read_as_times(built_fixture_site):
    hours = built_fixture_site.page("/locations/north/").find("main").find("table", class_="hours")
    cells = [row.find("td").text_content() for row in hours.find("tbody").find_all("tr")]
    assert cells[0] == "9:00 AM – 5:00 PM"
    assert cells[6] == "Closed"


# Unsafe HTML and drafts --------------------------------------------------------------------

def test_allow_unsafe_html_lets_raw_event_attributes_through(fixture_site):
    apply_edit(fixture_site, (CONFIG, "allow_unsafe_html: false", "allow_unsafe_html: true"))
    apply_edit(fixture_site, before_second_heading('Some <span onclick="alert(1)">text</span> here.'))
    code, _, err = run_build(fixture_site)
    assert code == 0, err
    page = parse((fixture_site / "output/about/index.html").read_text(encoding="utf-8"))
    spans = page.find("main").find_all("span", onclick="alert(1)")
    assert len(spans) == 1 and spans[0].text_content() == "text"


def test_text_from_front_matter_and_data_is_escaped(fixture_site):
    title = 'Tom & Jerry <script>alert("x")</script>'
    apply_edit(fixture_site, (ABOUT, "title: About the fixture clinic", f"title: '{title}'"))
    apply_edit(fixture_site, (LOCATIONS, "name: Downtown Office", "name: Downtown <b>Office</b>"))
    code, _, err = run_build(fixture_site)
    assert code == 0, err
    page = parse((fixture_site / "output/about/index.html").read_text(encoding="utf-8"))
    assert page.find("h1").text_content() == title
    assert page.find("title").text_content().startswith(title)
    assert page.find_all("script") == [] and page.find_all("b") == []
    assert any(a.text_content() == "Downtown <b>Office</b>" for a in page.find_all("a"))


def test_drafts_are_left_out_by_default(built_fixture_site):
    assert "/articles/coming-soon/" not in built_fixture_site.pages
    assert not (built_fixture_site.output / "articles/coming-soon").exists()
    listed = built_fixture_site.page("/articles/").find("ul", class_="article-list").links()
    assert listed == ["/articles/first-visit/"]
    for url, tree in built_fixture_site.pages.items():
        assert "/articles/coming-soon/" not in tree.links(), url


def test_drafts_are_built_and_listed_with_the_drafts_option(built_fixture_drafts):
    page = built_fixture_drafts.page("/articles/coming-soon/")
    assert page.find("h1").text_content() == "Coming soon"
    assert page.find("p", class_="draft-banner") is not None
    assert page.find("meta", name="robots").get("content") == "noindex"
    listed = built_fixture_drafts.page("/articles/").find("ul", class_="article-list").links()
    assert listed == ["/articles/coming-soon/", "/articles/first-visit/"]  # newest first


# The command line -----------------------------------------------------------------------------

def test_check_on_a_broken_site_exits_1_and_leaves_output_alone(prebuilt_fixture_site):
    root = prebuilt_fixture_site
    before = snapshot(root / "output")
    apply_edit(root, (ABOUT, "weight: 10", "weight: ten"))
    code, out, err = run_build(root, "check")
    assert code == 1
    assert strip_warnings(err).splitlines()[-2:] == ["1 error found.", "Nothing was written."]
    assert err.startswith(f"{ABOUT}:4:9: weight: expected a whole number")
    assert snapshot(root / "output") == before


def test_check_on_a_good_site_exits_0_and_writes_nothing(fixture_site):
    before = snapshot(fixture_site)
    code, out, err = run_build(fixture_site, "check")
    assert (code, strip_warnings(err)) == (0, "")
    assert re.fullmatch(r"\d+ pages, \d+ assets checked; nothing written in \d+\.\d\d s"
                        r" \(\d+ warnings: example values that must be replaced before publishing\)\n", out)
    assert snapshot(fixture_site) == before
    assert sorted(p.name for p in fixture_site.iterdir()) == ["content", "site_config.yaml", "static", "templates"]


def test_a_url_part_too_long_for_a_file_name_is_reported(fixture_site):
    about = fixture_site / ABOUT
    text = about.read_text(encoding="utf-8")
    about.write_text(text.replace("---\n", "---\nurl: /" + "a" * 256 + "/\n", 1), encoding="utf-8")
    for command in ("check", "build"):
        code, _, err = run_build(fixture_site, command)
        assert code == 1
        assert f"{ABOUT}:2: the URL '/{'a' * 256}/' has a part between slashes longer than 255 characters, " \
               "too long for a file name; shorten it" in err.splitlines()
    about.write_text(text.replace("---\n", "---\nurl: /" + "a" * 255 + "/\n", 1), encoding="utf-8")
    assert "longer than 255" not in run_build(fixture_site, "check").err  # the menu's /about/ is gone, nothing else


def test_check_still_finds_broken_links(fixture_site):
    apply_edit(fixture_site, (ABOUT, "(/services/)", "(/servicez/)"))
    code, _, err = run_build(fixture_site, "check")
    assert code == 1
    assert err.startswith(f"{ABOUT}:7: the link '/servicez/' leads to no page")


def test_build_script_end_to_end(fixture_site):
    result = run_subprocess("check", cwd=fixture_site)
    assert (result.code, strip_warnings(result.err)) == (0, "")
    assert not (fixture_site / "output").exists()
    result = run_subprocess(cwd=fixture_site)
    assert (result.code, strip_warnings(result.err)) == (0, ""), result.err
    assert (fixture_site / "output/index.html").is_file()
    assert "into output/" in result.out


def test_build_script_end_to_end_with_a_mistake(fixture_site):
    apply_edit(fixture_site, (LOCATIONS, "315.555.0122", "315-555"))
    result = run_subprocess("build", "--root", str(fixture_site), cwd=fixture_site.parent)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert result.err.startswith(f"{LOCATIONS}:30:12: locations[1].phone: '315-555' is not a phone number")
    assert not (fixture_site / "output").exists()


def test_output_at_the_site_root_is_refused(fixture_site):
    before = snapshot(fixture_site)
    code, out, err = run_build(fixture_site, "--output", str(fixture_site))
    assert code == 2
    assert err.startswith("error: ") and "contains the site itself" in err
    assert snapshot(fixture_site) == before


@pytest.mark.parametrize("inside", ["content", "templates", "static", "content/pages"])
def test_output_inside_the_sources_is_refused(fixture_site, inside):
    before = snapshot(fixture_site)
    code, _, err = run_build(fixture_site, "--output", str(fixture_site / inside / "out"))
    assert code == 2
    assert f"inside {inside.split('/')[0]}/" in err
    assert snapshot(fixture_site) == before


def test_output_elsewhere_is_used(fixture_site, tmp_path):
    elsewhere = tmp_path / "public"
    code, _, err = run_build(fixture_site, "--output", str(elsewhere))
    assert (code, strip_warnings(err)) == (0, "")
    assert (elsewhere / "index.html").is_file()
    assert not (fixture_site / "output").exists()


def test_not_a_site_folder_is_a_usage_error(tmp_path):
    code, _, err = run_build(tmp_path)
    assert code == 2
    assert "has no site_config.yaml" in err


def test_unknown_flag_is_a_usage_error(fixture_site):
    code, _, err = run_build(fixture_site, "--bogus")
    assert code == 2
    assert "unrecognized arguments: --bogus" in err
    assert not (fixture_site / "output").exists()


def test_bad_base_url_option_is_a_usage_error(fixture_site):
    code, _, err = run_build(fixture_site, "--base-url", "www.example.com")
    assert code == 2
    assert "is not a web address" in err


def test_base_url_option_overrides_the_config(fixture_site):
    code, _, err = run_build(fixture_site, "--base-url", "https://preview.example.net/")
    assert (code, strip_warnings(err)) == (0, "")
    page = parse((fixture_site / "output/about/index.html").read_text(encoding="utf-8"))
    assert page.find("link", rel="canonical").get("href") == "https://preview.example.net/about/"


def test_help_exits_0():
    result = run_cli("--help")
    assert result.code == 0
    assert result.out.startswith("usage:")


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.code == 0
    for command in ("build", "check", "serve"):
        assert re.search(rf"^\s+{command}\s", result.out, re.M), f"'{command}' is not listed in --help:\n{result.out}"


def test_options_before_the_command_are_kept(fixture_site, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not a site folder: the command only works if --root is honoured
    result = run_cli("--root", str(fixture_site), "check")
    assert (result.code, strip_warnings(result.err)) == (0, ""), result.err
    result = run_cli("--root", str(fixture_site), "--drafts", "check")
    assert result.code == 0
    drafts = int(result.out.split()[0])
    plain = int(run_cli("check", "--root", str(fixture_site)).out.split()[0])
    assert drafts == plain + 1  # the draft article


def test_internal_error_is_one_line_without_debug(fixture_site, monkeypatch):
    def explode(options, reuse=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(sitegen.incremental, "build_site", explode)
    code, _, err = run_build(fixture_site)
    assert code == 1
    assert "Traceback" not in err
    assert "unexpected RuntimeError: boom" in err and "--debug" in err


def test_internal_error_shows_a_traceback_with_debug(fixture_site, monkeypatch):
    def explode(options, reuse=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(sitegen.incremental, "build_site", explode)
    code, _, err = run_build(fixture_site, "--debug")
    assert code == 1
    assert "Traceback (most recent call last)" in err
    assert "RuntimeError: boom" in err
