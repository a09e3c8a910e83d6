"""The link check reads the shared layout once, and stays complete and fast when many links break."""
from __future__ import annotations

import re

from conftest import copy_real_site, run_build

from sitegen import suggest
from sitegen.checks import page_facts
from sitegen.suggest import LinkSuggestions


def _add_to_footer(site, html: str) -> None:
    footer = site / "templates" / "partials" / "footer.html"
    text = footer.read_text(encoding="utf-8")
    footer.write_text(text.replace('<footer class="site-footer">', '<footer class="site-footer">' + html, 1),
                      encoding="utf-8")


def test_a_broken_link_in_the_layout_is_reported_once_at_its_template_line(fixture_site):
    _add_to_footer(fixture_site, '<a href="/pricing/">Prices</a><a href="/about/#no-such-part">About</a>')
    code, out, err = run_build(fixture_site)
    assert code == 1
    lines = err.splitlines()
    for href, problem in (("'/pricing/'", "leads to no page on this site"),
                          ("'/about/#no-such-part'", "leads to no heading or id '#no-such-part' on /about/")):
        found = [line for line in lines if href in line]
        assert len(found) == 1, found  # one message for every page that has the footer
        assert found[0].startswith("templates/partials/footer.html:1: ")
        assert problem in found[0] and "first seen on" in found[0]


def test_a_fragment_link_in_the_layout_is_checked_against_each_page(fixture_site):
    # '#site-footer-top' exists only where the page itself has that id: on no page here.
    _add_to_footer(fixture_site, '<a href="#site-footer-top">Top</a>')
    code, _, err = run_build(fixture_site)
    assert code == 1
    assert "the link '#site-footer-top' leads to no heading or id" in err


def test_a_second_h1_in_the_layout_is_found_on_every_page(fixture_site):
    _add_to_footer(fixture_site, "<h1>Also a title</h1>")
    code, _, err = run_build(fixture_site)
    assert code == 1
    reported = re.findall(r"^(templates/[^:]+):\d+: \S+ has 2 <h1> headings", err, re.MULTILINE)
    # Once per template: every kind of page is affected, not only the first.
    assert len(reported) == len(set(reported)) >= 5, err


def test_layout_facts_are_shared_between_pages_with_the_same_layout():
    layouts = {}
    page = ('<html lang="en"><head><title>{0}</title><meta name="description" content="d"></head>'
            '<body><a href="/x/">x</a><main id="main"><h1>{0}</h1><a href="/{0}/">self</a></main>'
            '<footer><a href="/y/">y</a></footer></body></html>')
    first, second = page_facts(page.format("a"), layouts), page_facts(page.format("b"), layouts)
    assert first.shared == second.shared and first.shared[0] is second.shared[0]
    assert first.links == {"/a/"} and second.links == {"/b/"}
    assert {link for part in first.shared for link in part.links} == {"/x/", "/y/"}
    assert first.all_ids() == {"main"} and first.missing == () and first.h1_count == 1


def test_suggestions_find_a_moved_page_among_many():
    urls = [f"/guides/page-{n:05d}/" for n in range(2000)] + ["/services/", "/about/"]
    suggestions = LinkSuggestions(urls)
    assert suggestions.hint("/page-01234/") == "did you mean '/guides/page-01234/'?"
    assert suggestions.hint("/guides/page-0123/") != ""  # close, by its pieces
    assert suggestions.hint("/zzzz-qqqq/") == ""


def test_suggestions_on_a_small_site_compare_with_every_page():
    assert LinkSuggestions(["/services/", "/about/", "/"]).hint("/prices/") == "did you mean '/services/'?"


def test_fuzzy_suggestions_stop_at_the_budget_but_moved_pages_are_still_found(monkeypatch):
    monkeypatch.setattr(suggest, "FUZZY_BUDGET", 2)
    urls = [f"/guides/page-{n:05d}/" for n in range(1000)]
    suggestions = LinkSuggestions(urls)
    assert suggestions.hint("/guides/page-0001/")  # fuzzy 1
    assert suggestions.hint("/guides/page-0002/")  # fuzzy 2
    assert suggestions.hint("/guides/page-0003/") == ""  # budget spent
    assert suggestions.hint("/page-00007/") == "did you mean '/guides/page-00007/'?"  # by name: always


def test_moving_many_pages_reports_every_broken_link_with_where_it_went(tmp_path):
    site = copy_real_site(tmp_path / "site")
    guides = site / "content" / "pages" / "guides"
    guides.mkdir()
    count = suggest.SMALL_SITE + 20  # large enough for the index
    for n in range(count):
        target = (n + 1) % count
        (guides / f"note-{n:04d}.md").write_text(
            f"---\ntitle: Note {n}\ndescription: A note.\n---\n\nNext: [note {target}](/note-{target:04d}/).\n",
            encoding="utf-8")
    code, _, err = run_build(site, "check")
    assert code == 1
    broken = [line for line in err.splitlines() if "leads to no page on this site" in line]
    assert len(broken) == count
    for line in broken:
        number = re.search(r"'/note-(\d{4})/'", line).group(1)
        assert line.endswith(f"did you mean '/guides/note-{number}/'?"), line
