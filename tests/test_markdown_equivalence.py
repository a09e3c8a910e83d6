"""The Markdown shortcuts change nothing: every byte equals the plain configuration's.

The renderer gives each document only the extensions its text can use and
runs lean twins of smarty and toc (sitegen/extensions.py). The reference here
is a converter configured the plain way: every extension on every document,
Python-Markdown's own smarty and toc. The real site, a generated corpus of
prose (quotes, apostrophes, dashes) and marketing pages, and random Markdown
must all come out identical.
"""
from __future__ import annotations

import importlib.util
import shutil

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension

from conftest import REPO_ROOT, copy_real_site
from sitegen.markup import ComponentExtension, MarkdownRenderer
from sitegen.models import MarkdownOptions
from sitegen.pipeline import BuildOptions, Reuse, build_site


class PlainRenderer(MarkdownRenderer):
    """Every extension on every document, with Python-Markdown's own smarty and toc."""

    def _converter(self, needs):
        extensions = [TableExtension(use_align_attribute=True), "attr_list", "sane_lists", "fenced_code", "def_list",
                      TocExtension(toc_depth=self.options.toc_depth, permalink=False),
                      ComponentExtension(self.state, self.render_directive)]
        if self.options.smart_quotes:
            extensions.append("smarty")
        return markdown.Markdown(extensions=extensions, output_format="html")


class PlainReuse(Reuse):
    def markdown_renderer(self, options, render_directive):
        return PlainRenderer(options, render_directive)


def _load_corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", REPO_ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _assert_same_site(root):
    fast = build_site(BuildOptions(root))
    plain = build_site(BuildOptions(root), reuse=PlainReuse())
    assert fast.pages.keys() == plain.pages.keys()
    different = [path for path in plain.pages if fast.pages[path] != plain.pages[path]]
    assert not different, f"{len(different)} pages differ, first {different[0]}"
    return fast


def test_real_site_renders_byte_identical_to_the_plain_configuration(tmp_path):
    site = _assert_same_site(copy_real_site(tmp_path / "site"))
    assert len(site.pages) > 30


def test_generated_prose_and_pages_render_byte_identical(tmp_path):
    root = copy_real_site(tmp_path / "site")
    corpus = _load_corpus_module()
    pages = root / "content" / "pages"
    corpus.write_corpus(tmp_path / "prose", 90, "prose")
    corpus.write_corpus(tmp_path / "marketing", 30, "marketing")
    for kind, folder in (("prose", tmp_path / "prose"), ("marketing", tmp_path / "marketing")):
        for path in folder.glob("page-*.md"):
            # Links inside each corpus point at its own pages: keep them valid.
            text = path.read_text(encoding="utf-8").replace("](/page-", f"](/{kind}-page-")
            (pages / f"{kind}-{path.name}").write_text(text, encoding="utf-8")
    shutil.rmtree(tmp_path / "prose")
    site = _assert_same_site(root)
    prose = site.pages["prose-page-00007/index.html"]
    assert "&rsquo;" in prose and "&ldquo;" in prose, "the prose corpus must give smarty work"


FRAGMENTS = ["'", '"', "--", "---", "...", "-", ".", " ", "\n", "\n\n", "word", "it's", "'80s", "*", "**", "_",
             "`", "\\'", '\\"', "# ", "## ", "### ", "{: .note}", "{#an-id}", ": ", "Term\n:   definition\n",
             "```\n", "~~~\n", "| a | b |\n| --- | --- |\n| 'x' | \"y\" |\n", '[a link](/x/ "its title")',
             '<span title="a">', "</span>", "&mdash;", "&amp;", "- ", "1. ", "    ", "> ", "[TOC]",
             "::: call-to-action\n", "Setext\n---\n", "===", "![a picture](/i.png)", "<https://example.org>",
             "&#8211;", "\t", "(", ")", "[", "]", "!", "?", ",", "s ", "<b onclick=\"x\">", "{{ locations }}",
             "{{ nope }}", "| :-- | --: |\n", "  \n", "<me@example.org>", "&#x41;", "\\`", "[ref]: /r\n"]
OPTIONS = [MarkdownOptions(True, "2-3", False), MarkdownOptions(False, "2-6", True)]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40), st.sampled_from(OPTIONS))
def test_random_markdown_converts_like_the_plain_configuration(fragments, options):
    text = "".join(fragments)

    def directive(found):
        return f'<div class="{found.name}">{" ".join(found.arguments)}</div>'

    fast = MarkdownRenderer(options, directive).convert(text, "content/pages/x.md", 5)
    plain = PlainRenderer(options, directive).convert(text, "content/pages/x.md", 5)
    assert fast.html == plain.html
    assert fast.toc == plain.toc and fast.components == plain.components
    assert set(map(str, fast.errors)) == set(map(str, plain.errors))  # the build reports each once


@pytest.mark.parametrize("text, expected", [
    ("--\n", "<p>&ndash;</p>"),  # a paragraph of dashes alone is still educated
    ("It's a \"quote\" -- and more...\n", "<p>It&rsquo;s a &ldquo;quote&rdquo; &ndash; and more&hellip;</p>"),
])
def test_smart_quotes_where_the_text_has_them(text, expected):
    result = MarkdownRenderer(OPTIONS[0], lambda found: "").convert(text, "x.md", 1)
    assert result.html == expected
