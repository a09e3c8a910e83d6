"""Property tests: whatever an editor types, the build either succeeds or reports
`file:line: message` lines and exits 1 — never a traceback, never another exit code.
"""
from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_SITE, copy_fixture_site, run_build, run_subprocess, snapshot, strip_warnings
from sitegen.yamlsource import YMap, YamlProblem, YScalar, YSeq, parse_yaml

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,  # nothing written into the working tree; failures print their example
    phases=[Phase.explicit, Phase.generate, Phase.shrink],  # no 'explain' phase: it writes patch files
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

ERROR_LINE = re.compile(r"^[^:\n]+(:\d+(:\d+)?)?: .+")
SUMMARY = re.compile(r"^\d+ errors? found\.$")
LEFT_ALONE = "The output folder was left as it was."


def assert_clean_outcome(code: int, out: str, err: str) -> None:
    """Exit 0 with nothing on stderr, or exit 1 with only error lines and the summary."""
    assert "Traceback" not in err
    assert code in (0, 1), f"exit code {code}:\n{err}"
    err = strip_warnings(err)
    if code == 0:
        assert err == ""
        return
    lines = err.splitlines()
    assert lines[-1] == LEFT_ALONE, err
    assert SUMMARY.match(lines[-2]), err
    assert int(lines[-2].split()[0]) == len(lines) - 2
    for line in lines[:-2]:
        assert ERROR_LINE.match(line), f"not a 'file:line: message' line: {line!r}\n{err}"


# Generated YAML-ish text ---------------------------------------------------------------

FRONT_MATTER_KEYS = ["title", "description", "template", "draft", "date", "weight", "url"]
KEY_TYPOS = ["tittle", "Title", "descripton", "drafts", "dat", "wieght", "URL", "title ", "ti tle", "tïtle", ""]

SPECIAL_SCALARS = [
    "", "yes", "no", "on", "off", "y", "n", "true", "false", "True", "FALSE", "~", "null", "NO",
    "10:30", "09:00-17:00", "2026-03-03", "2026-02-30", "2026-3-3", "01234", "0x1F", "0o17", "1e3", ".inf", ".nan",
    "-1", "3.14", "-", "- a", "[a, b]", "[a", "{a: 1}", "{a", "'quoted'", '"double"', "'unclosed", '"unclosed',
    ": colon", "a: b", "a:b", "# comment", "x # comment", "&anchor x", "*alias", "!!str x", "!tag x", "|", ">",
    "page", "home", "article", "nonexistent", "../page", "/about/", "/../x/", "/services/", "/a b/", "//x/",
    "\t", "tab\there", "café", "ünïcödé ✓", "日本語", "<script>alert(1)</script>", "{{ page.title }}", "{% if %}",
    "@at", "`tick`", "%percent", "a, b", "? q",
]

scalars = st.one_of(
    st.sampled_from(SPECIAL_SCALARS),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.text(alphabet=string.printable, max_size=30),
)

front_matter_lines = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["", "", "", "  ", "\t", "- "]),
                  st.sampled_from(FRONT_MATTER_KEYS * 3 + KEY_TYPOS),
                  st.sampled_from([": ", ": ", ":", " : ", ":\t"]),
                  scalars).map(lambda parts: "".join(parts)),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    ),
    max_size=9,
)


@st.composite
def markdown_files(draw) -> str:
    """A page: mostly well-formed fences around generated front matter."""
    lines = draw(front_matter_lines)
    if draw(st.booleans()):  # usually start from a valid page and add to it
        lines = ["title: Generated", "description: A generated page."] + lines
    opening = draw(st.sampled_from(["---\n"] * 6 + ["", "--- \n", "----\n", "---\r\n", "\ufeff---\n"]))
    closing = draw(st.sampled_from(["---\n"] * 6 + ["", "...\n", "--- \n"]))
    body = draw(st.sampled_from(["\nBody text.\n", "", "\n## Heading\n\nText.\n", "\n::: call-to-action\n"]))
    return opening + "\n".join(lines) + "\n" + closing + body


@pytest.fixture(scope="module")
def property_site(tmp_path_factory) -> Path:
    """One fixture site for all examples; each example restores what it changed."""
    root = copy_fixture_site(tmp_path_factory.mktemp("property") / "site")
    assert run_build(root).code == 0
    return root


class Restored:
    """Replace a file for one example and put the original back afterwards."""

    def __init__(self, path: Path, content: str):
        self.path, self.content = path, content

    def __enter__(self):
        self.original = self.path.read_bytes() if self.path.exists() else None
        self.path.write_text(self.content, encoding="utf-8")

    def __exit__(self, *exc):
        if self.original is None:
            self.path.unlink()
        else:
            self.path.write_bytes(self.original)


@PROPERTY_SETTINGS
@given(page=markdown_files())
@example(page="---\ntitle: 10:30\ndescription: NO\ndate: 2026-03-03\nweight: 0x1F\n---\n")
def test_any_front_matter_builds_or_fails_cleanly(property_site, page):
    before = snapshot(property_site / "output")
    with Restored(property_site / "content/pages/generated.md", page):
        code, out, err = run_build(property_site)
    assert_clean_outcome(code, out, err)
    if code == 1:
        assert snapshot(property_site / "output") == before
    else:
        assert (property_site / "output/generated/index.html").is_file() or "draft" in page or "url" in page


DATA_FILES = ["content/data/locations.yaml", "content/data/conditions.yaml"]
# `key: value` or `- value` lines whose value is a scalar (not the start of a block).
SCALAR_LINE = re.compile(r"^(?P<lead>\s*(?:- )?(?:[a-z_]+: )?)(?P<value>\S.*)$")


def scalar_lines(text: str) -> list[int]:
    return [index for index, line in enumerate(text.split("\n"))
            if SCALAR_LINE.match(line) and not line.rstrip().endswith(":") and not line.lstrip().startswith("#")]


ORIGINAL_DATA = {name: (FIXTURE_SITE / name).read_text(encoding="utf-8")
                 for name in DATA_FILES}


@st.composite
def data_mutations(draw) -> tuple[str, str]:
    name = draw(st.sampled_from(DATA_FILES))
    lines = ORIGINAL_DATA[name].split("\n")
    index = draw(st.sampled_from(scalar_lines(ORIGINAL_DATA[name])))
    lead = SCALAR_LINE.match(lines[index])["lead"]
    lines[index] = lead + draw(scalars)
    return name, "\n".join(lines)


@PROPERTY_SETTINGS
@given(mutation=data_mutations())
@example(mutation=("content/data/locations.yaml",
                   ORIGINAL_DATA["content/data/locations.yaml"].replace("slug: north\n", "slug: \n")))
@example(mutation=("content/data/conditions.yaml",
                   ORIGINAL_DATA["content/data/conditions.yaml"].replace("slug: sciatica\n", "slug: Sciatica\n")))
def test_any_data_value_builds_or_fails_cleanly(property_site, mutation):
    name, text = mutation
    before = snapshot(property_site / "output")
    with Restored(property_site / name, text):
        code, out, err = run_build(property_site)
    assert_clean_outcome(code, out, err)
    if code == 1:
        assert snapshot(property_site / "output") == before


# Generated Markdown bodies ---------------------------------------------------------------

DIRECTIVE_WORDS = ["comparison", "call-to-action", "locations", "conditions", "comparision", "", "medical-massage",
                   "sports-massage", "nope", "rows=purpose,focus", "rows=", "rows=,", "heading=Hi", 'heading="Hi there"',
                   "heading='x", "heading-level=3", "heading-level=9", "a=b=c", "=", '"', "\\"]
MARKDOWN_PIECES = st.one_of(
    st.sampled_from([
        "## Heading", "### Sub heading", "# Second h1", "Plain text.", "- item", "1. item", "> quote",
        "```\n::: comparison\n```", "```python\nx = 1\n```", "    indented ::: code", "| a | b |\n|---|---|\n| 1 | 2 |",
        "[home](/)", "[services](/services/)", "[missing](/missing/)", "[frag](#nowhere)", "[self](#heading)",
        "[mail](mailto:clinic@example.com)", "[tel](tel:+13155550111)", "[js](javascript:alert(1))",
        "[rel](services/)", "[up](../)", "[ext](https://example.com/)", "![img](/favicon.svg)", "![img](missing.png)",
        "<div>raw</div>", "<span>inline</span>", "<b onclick='x'>b</b>", "<script>x</script>", "<!-- comment -->",
        "<a href=\"/services/\">a</a>", "<a href=\"/nowhere/\">a</a>", "{: #custom-id }", "{: .cls }", "Term\n: Definition",
        "&amp; &lt; &#x0; &nbsp;", "\"quotes\" -- dashes...", ":::", "::: ", "::::",
    ]),
    st.lists(st.sampled_from(DIRECTIVE_WORDS), max_size=4).map(lambda words: "::: " + " ".join(words)),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
)


@settings(PROPERTY_SETTINGS, max_examples=30)  # most bodies build, so each example costs a full render
@given(pieces=st.lists(MARKDOWN_PIECES, max_size=8), separator=st.sampled_from(["\n\n", "\n"]))
def test_any_markdown_body_builds_or_fails_cleanly(property_site, pieces, separator):
    page = "---\ntitle: Generated\ndescription: A generated page.\n---\n\n" + separator.join(pieces) + "\n"
    before = snapshot(property_site / "output")
    with Restored(property_site / "content/pages/generated.md", page):
        code, out, err = run_build(property_site)
    assert_clean_outcome(code, out, err)
    if code == 1:
        assert snapshot(property_site / "output") == before


# The YAML loader on its own ---------------------------------------------------------------

yamlish_text = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=":-[]{}#&*!|>'\"%@`?, \t\nab01.~", max_size=60),
    front_matter_lines.map("\n".join),
)


def assert_node(root) -> None:
    """Every node is a positioned scalar, list or mapping (checked without recursion)."""
    pending = [root]
    while pending:
        node = pending.pop()
        assert isinstance(node, (YScalar, YSeq, YMap))
        assert node.line >= 1 and node.column >= 1
        if isinstance(node, YSeq):
            pending.extend(node.items)
        elif isinstance(node, YMap):
            for key, (key_node, value) in node.items.items():
                assert isinstance(key_node, YScalar) and key_node.text == key
                pending.append(value)


@settings(PROPERTY_SETTINGS, max_examples=300)
@given(text=yamlish_text)
@example(text="postal_code: 01234\ncountry: NO\nopens: 10:30")
def test_parse_yaml_returns_nodes_or_raises_yaml_problem(text):
    try:
        node = parse_yaml(text, "sample.yaml")
    except YamlProblem as problem:
        error = problem.error
        assert error.path == "sample.yaml"
        assert error.line >= 1
        assert "\n" not in str(error), f"a message must fit on one line: {str(error)!r}"
        return
    if node is not None:
        assert_node(node)


def test_parse_yaml_reports_a_control_character_at_its_line():
    with pytest.raises(YamlProblem) as raised:
        parse_yaml("a: 1\nb: 2\nc: x\x07y\n", "sample.yaml", line_offset=1)
    assert raised.value.error.line == 4
    assert "\n" not in str(raised.value.error)


@pytest.mark.parametrize("text", [
    pytest.param("a: " + "[" * 1000 + "]" * 1000, id="nested-1000-deep"),
    pytest.param("a: &x [*x]", id="alias-inside-itself"),
])
def test_pathological_yaml_is_a_yaml_problem(text):
    try:
        node = parse_yaml(text, "sample.yaml")
    except YamlProblem as problem:
        assert problem.error.path == "sample.yaml" and problem.error.line >= 1
    else:
        assert_node(node)


def test_deeply_nested_yaml_does_not_crash_the_build(tmp_path):
    """Run in a child process: the C parser can overflow the stack on deep nesting."""
    root = copy_fixture_site(tmp_path / "site")
    depth = 100_000
    (root / "content/pages/deep.md").write_text(
        f"---\ntitle: Deep\ndescription: {'[' * depth}{']' * depth}\n---\n", encoding="utf-8")
    result = run_subprocess("check", "--root", str(root), cwd=tmp_path)
    assert_clean_outcome(result.code, result.out, result.err.replace("Nothing was written.", LEFT_ALONE))
    assert result.code == 1
    assert result.err.startswith("content/pages/deep.md:3")


_LINK_PIECES = list("#ab ?%2&;/é\t\n\r\x00\x1f\x7f") + ["&#35;", "&amp;", "%41", "&#9;", "&#32;", "//x", ":"]


@settings(PROPERTY_SETTINGS, max_examples=2000)  # pure and fast: many examples
@given(st.lists(st.sampled_from(_LINK_PIECES), max_size=8), st.sampled_from(["", "#"]))
def test_links_resolve_as_urlsplit_reads_them(pieces, start):
    """The link check's shortcut for #fragment links gives what the general path gives."""
    import html
    from urllib.parse import unquote, urlsplit

    from sitegen.checks import _Malformed, _resolve

    href = start + "".join(pieces)
    _resolve.cache_clear()
    resolved = _resolve(href, "/page/")
    try:
        parts = urlsplit(html.unescape(href))
        parts.port  # noqa: B018
    except ValueError:
        assert isinstance(resolved, _Malformed)
        return
    if parts.scheme or parts.netloc:
        assert resolved is None
    elif not parts.path:
        assert resolved == ("/page/", unquote(parts.fragment))
