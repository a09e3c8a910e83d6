"""What static hosts and feed readers get: the Atom feed, fingerprinted assets,
_headers, and redirects from old addresses (as _redirects rules and as pages)."""
from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from conftest import REPO_ROOT, output_file_for, run_build, snapshot, strip_warnings
from htmlparse import parse

from sitegen.hosting import HEADERS_FILE, IMMUTABLE, REVALIDATE, host_files
from sitegen.incremental import IncrementalBuilder, OutputFolder
from sitegen.pipeline import BuildOptions
from sitegen.writer import MARKER

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})")


# The Atom feed -------------------------------------------------------------------

def _feed(site):
    return ET.parse(site.output / "feed.xml").getroot()


def test_the_feed_is_atom_with_the_required_feed_elements(built_real_site):
    feed = _feed(built_real_site)
    assert feed.tag == f"{ATOM}feed"
    base = "https://www.example.com"
    assert feed.findtext(f"{ATOM}id") == base + "/feed.xml"
    assert feed.findtext(f"{ATOM}title") == "Hand in Health: articles"
    assert RFC3339.fullmatch(feed.findtext(f"{ATOM}updated"))
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": base + "/feed.xml", "alternate": base + "/articles/"}
    assert feed.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Hand in Health Massage Therapy"


def test_the_feed_has_an_entry_per_published_article_newest_first(built_real_site):
    feed = _feed(built_real_site)
    entries = feed.findall(f"{ATOM}entry")
    articles = sorted(url for url in built_real_site.urls if url.startswith("/articles/") and url != "/articles/")
    assert sorted(entry.findtext(f"{ATOM}id") for entry in entries) == ["https://www.example.com" + u for u in articles]
    for entry in entries:
        for required in ("id", "title", "updated", "published", "summary"):
            assert (entry.findtext(f"{ATOM}{required}") or "").strip(), f"entry lacks {required}"
        assert RFC3339.fullmatch(entry.findtext(f"{ATOM}updated"))
        (link,) = entry.findall(f"{ATOM}link")
        assert link.get("rel") == "alternate" and link.get("href") == entry.findtext(f"{ATOM}id")
        page = built_real_site.page(link.get("href").removeprefix("https://www.example.com"))
        assert entry.findtext(f"{ATOM}title") == page.find("h1").text_content().strip()
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html" and parse(content.text).find("p") is not None
    updated = [entry.findtext(f"{ATOM}updated") for entry in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == updated[0]


def test_every_page_links_to_the_feed_from_its_head(built_real_site, real_page_url):
    head = built_real_site.page(real_page_url).find("head")
    feeds = [link for link in head.find_all("link") if link.get("type") == "application/atom+xml"]
    assert [(link.get("rel"), link.get("href")) for link in feeds] == [("alternate", "/feed.xml")]


def test_a_site_without_articles_has_no_feed(fixture_site):
    for article in (fixture_site / "content" / "articles").glob("*.md"):
        article.unlink()
    assert run_build(fixture_site).code == 0
    output = fixture_site / "output"
    assert not (output / "feed.xml").exists()
    home = parse((output / "index.html").read_text(encoding="utf-8"))
    assert not [link for link in home.find_all("link") if link.get("type") == "application/atom+xml"]


# Fingerprinted assets ---------------------------------------------------------------

def test_the_stylesheet_is_published_under_a_name_with_its_hash(built_real_site):
    content = (REPO_ROOT / "static" / "css" / "site.css").read_bytes()
    expected = f"/css/site.{hashlib.sha256(content).hexdigest()[:10]}.css"
    for url, page in built_real_site.pages.items():
        assert [link.get("href") for link in page.find_all("link", rel="stylesheet")] == [expected], url
    assert not (built_real_site.output / "css" / "site.css").exists()


def test_a_changed_stylesheet_gets_a_new_name(fixture_site):
    assert run_build(fixture_site).code == 0
    before = {path for path in snapshot(fixture_site / "output") if path.startswith("css/")}
    with open(fixture_site / "static" / "css" / "site.css", "a", encoding="utf-8") as css:
        css.write("\n.new-rule { color: inherit; }\n")
    assert run_build(fixture_site).code == 0
    after = {path for path in snapshot(fixture_site / "output") if path.startswith("css/")}
    assert len(before) == len(after) == 1 and before != after
    home = (fixture_site / "output" / "index.html").read_text(encoding="utf-8")
    assert f'href="/{after.pop()}"' in home


def test_asset_url_of_a_missing_file_names_the_template_line(fixture_site):
    base = fixture_site / "templates" / "base.html"
    lines = base.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "asset_url('/css/site.css')" in line)
    base.write_text(base.read_text(encoding="utf-8").replace("asset_url('/css/site.css')", "asset_url('/css/sight.css')"),
                    encoding="utf-8")
    code, out, err = run_build(fixture_site)
    assert code == 1
    assert f"templates/base.html:{number}: template error: UnknownAsset: asset_url('/css/sight.css'): " \
           "there is no file static/css/sight.css" in err


def test_a_link_to_the_unfingerprinted_name_is_a_broken_link(fixture_site):
    about = fixture_site / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[the styles](/css/site.css)\n", encoding="utf-8")
    code, out, err = run_build(fixture_site)
    assert code == 1 and "the link '/css/site.css' leads to no page on this site" in err


def test_the_live_preview_keeps_plain_names(fixture_site):
    site = IncrementalBuilder(BuildOptions(root=fixture_site, drafts=True, serving=True)).build()
    OutputFolder(fixture_site / "output").update(site)
    assert "css/site.css" in site.static_files
    home = parse((fixture_site / "output" / "index.html").read_text(encoding="utf-8"))
    assert [link.get("href") for link in home.find_all("link", rel="stylesheet")] == ["/css/site.css"]


# _headers ------------------------------------------------------------------------------

def parse_headers_file(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(path pattern, [(name, value)]) in file order, as Netlify and Cloudflare read it."""
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def matches(pattern: str, url: str) -> bool:
    """A `*` (splat) matches any characters, including none and slashes."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), url) is not None


def test_headers_hold_the_security_headers_for_every_path(built_real_site):
    rules = parse_headers_file((built_real_site.output / "_headers").read_text(encoding="utf-8"))
    everything = dict(next(values for pattern, values in rules if pattern == "/*"))
    assert everything["X-Content-Type-Options"] == "nosniff"
    assert everything["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in everything["Permissions-Policy"] and "geolocation=()" in everything["Permissions-Policy"]
    assert everything["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert "Cache-Control" not in everything


def test_every_file_gets_exactly_one_cache_rule_immutable_only_when_fingerprinted(built_real_site):
    output = built_real_site.output
    rules = parse_headers_file((output / "_headers").read_text(encoding="utf-8"))
    cache_rules = [(pattern, dict(values)["Cache-Control"]) for pattern, values in rules
                   if "Cache-Control" in dict(values)]
    urls = []
    for relative in snapshot(output):
        if relative in ("_headers", "_redirects", MARKER):
            continue  # read by the host or by the next build, not part of the site
        url = "/" + relative
        urls.append(url[: -len("index.html")] if url.endswith("/index.html") else url)
    fingerprinted = [url for url in urls if re.search(r"\.[0-9a-f]{10}\.(css|js)$", url)]
    assert fingerprinted
    for url in urls:
        policies = [policy for pattern, policy in cache_rules if matches(pattern, url)]
        assert len(policies) == 1, f"{url} matches {len(policies)} Cache-Control rules"
        assert policies[0] == (IMMUTABLE if url in fingerprinted else REVALIDATE), url
    assert len(rules) <= 100  # Cloudflare Pages reads at most 100 rules


def test_the_cache_rules_follow_the_files_published_from_one_build_to_the_next():
    def rules(pages: list[str], fingerprinted: frozenset[str] = frozenset()) -> dict[str, str]:
        text = host_files(pages, {"favicon.svg": REPO_ROOT / "static" / "favicon.svg"}, [], {}, fingerprinted)[HEADERS_FILE]
        return {pattern: dict(values)["Cache-Control"] for pattern, values in parse_headers_file(text)
                if "Cache-Control" in dict(values)}

    first = rules(["index.html", "about/index.html"])
    assert rules(["index.html", "about/index.html"]) == first
    assert first["/about/*"] == REVALIDATE and "/prices/*" not in first
    assert rules(["index.html", "about/index.html", "prices/index.html"])["/prices/*"] == REVALIDATE
    assert rules(["index.html"], frozenset({"/favicon.svg"}))["/favicon.svg"] == IMMUTABLE
    assert "/about/*" not in rules(["index.html"])


def test_a_headers_file_in_static_replaces_the_generated_one(fixture_site):
    (fixture_site / "static" / "_headers").write_text("/*\n  X-Test: yes\n", encoding="utf-8")
    assert run_build(fixture_site).code == 0
    assert (fixture_site / "output" / "_headers").read_text(encoding="utf-8") == "/*\n  X-Test: yes\n"


# Redirects -------------------------------------------------------------------------------

def test_redirects_become_rules_for_netlify_and_cloudflare(built_real_site):
    lines = [line.split() for line in (built_real_site.output / "_redirects").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert lines == [
        ["/about-us", "/about/", "301!"], ["/about-us", "/about/", "301"],
        ["/medical-massage.html", "/services/medical-massage/", "301!"],
        ["/medical-massage.html", "/services/medical-massage/", "301"],
        ["/what-to-bring/", "/insurance/#what-to-bring", "302!"], ["/what-to-bring/", "/insurance/#what-to-bring", "302"],
    ]


@pytest.mark.parametrize("old, new", [("/about-us/", "/about/"), ("/medical-massage.html", "/services/medical-massage/"),
                                      ("/what-to-bring/", "/insurance/#what-to-bring")])
def test_each_old_address_holds_a_page_that_sends_visitors_on(built_real_site, old, new):
    page = built_real_site.redirect_pages[old]
    metas = {meta.get("name") or meta.get("http-equiv"): meta.get("content") for meta in page.find_all("meta")}
    assert metas["refresh"] == f"0; url={new}"
    assert metas["robots"] == "noindex"
    (canonical,) = page.find_all("link", rel="canonical")
    assert canonical.get("href") == "https://www.example.com" + new
    links = [a.get("href") for a in page.find("main").find_all("a")]
    assert links == [new]
    assert not page.find_all("script")
    assert old not in built_real_site.pages and old.rstrip("/") + "/" not in built_real_site.urls


def _redirects(fixture_site, text: str):
    (fixture_site / "content" / "data" / "redirects.yaml").write_text(text, encoding="utf-8")
    return run_build(fixture_site)


def test_a_redirect_to_no_page_is_an_error_at_its_line(fixture_site):
    before = snapshot(fixture_site / "output")
    code, out, err = _redirects(fixture_site, "redirects:\n  - from: /old.html\n    to: /servces/\n"
                                              "  - from: /older.html\n    to: /about\n")
    assert code == 1
    assert err.splitlines()[:2] == [
        "content/data/redirects.yaml:3:9: redirect target /servces/ is not a page of this site; did you mean '/services/'?",
        "content/data/redirects.yaml:5:9: redirect target /about is not a page of this site; did you mean '/about/'?",
    ]
    assert snapshot(fixture_site / "output") == before


def test_a_redirect_from_a_page_is_an_error(fixture_site):
    for source in ("/about/", "/about", "/about/index.html"):
        code, out, err = _redirects(fixture_site, f"redirects:\n  - from: {source}\n    to: /services/\n")
        assert code == 1
        assert err.splitlines()[0] == (f"content/data/redirects.yaml:2: {source} is a page of this site, so it cannot "
                                       "be redirected; remove this redirect, or move or delete the page first")


def test_redirect_mistakes_in_the_file_are_reported_together(fixture_site):
    code, out, err = _redirects(fixture_site, """redirects:
  - from: /a.html
    to: /services/
  - from: /a.html/
    to: /services/
  - from: /c.html
    to: /services/
    status: 307
  - from: /d.html?id=3
    to: /services/
""")
    assert code == 1
    lines = err.splitlines()
    assert lines[:3] == [
        "content/data/redirects.yaml:4:5: redirects[1]: /a.html/ is redirected twice (also on line 2); "
        "keep one of the two entries",
        "content/data/redirects.yaml:8:13: redirects[2].status: 307 is not a redirect status; "
        "write 301 (moved for good, the default) or 302 (moved for now)",
        "content/data/redirects.yaml:9:11: redirects[3].from: '/d.html?id=3' is not an address on this site; "
        "start with / and leave out the domain, '?', '#', '*' and ':', e.g. /old-page.html",
    ]
    assert lines[3] == "3 errors found."
    code, out, err = _redirects(fixture_site, "redirects:\n  - from: /blog/*\n    to: /articles/\n")
    assert err.startswith("content/data/redirects.yaml:2:11: redirects[0].from: '/blog/*' is not an address")


def test_a_redirect_to_another_redirect_is_an_error(fixture_site):
    code, out, err = _redirects(fixture_site, "redirects:\n  - from: /a.html\n    to: /b.html\n"
                                              "  - from: /b.html\n    to: /services/\n")
    assert code == 1
    assert err.splitlines()[0] == ("content/data/redirects.yaml:3:9: redirect target /b.html is itself redirected; "
                                   "point it straight at the page the other redirect leads to")


def test_a_redirect_to_a_missing_heading_is_an_error(fixture_site):
    code, out, err = _redirects(fixture_site, "redirects:\n  - from: /e.html\n    to: /about/#no-such-heading\n")
    assert code == 1
    assert err.startswith("content/data/redirects.yaml:3:9: redirect target /about/#no-such-heading: "
                          "/about/ has no heading or id '#no-such-heading'")


def test_a_redirects_file_in_static_is_refused_when_redirects_are_declared(fixture_site):
    (fixture_site / "static" / "_redirects").write_text("/x /about/ 301\n", encoding="utf-8")
    code, out, err = _redirects(fixture_site, "redirects:\n  - from: /old.html\n    to: /about/\n")
    assert code == 1
    assert "static/_redirects: the build writes _redirects from content/data/redirects.yaml" in err


def test_an_old_address_a_host_cannot_serve_as_a_page_gets_only_the_rule(fixture_site):
    code, out, err = _redirects(fixture_site, "redirects:\n  - from: /services.php\n    to: /services/\n")
    assert (code, strip_warnings(err)) == (0, "")
    output = fixture_site / "output"
    assert "/services.php /services/ 301" in (output / "_redirects").read_text(encoding="utf-8")
    assert not (output / "services.php").exists()
    assert output_file_for(output, "/services/").is_file()


def test_a_site_without_redirects_writes_no_rules(built_fixture_site):
    assert not (built_fixture_site.output / "_redirects").exists()
    assert (built_fixture_site.output / "_headers").is_file()


def test_a_redirect_from_any_address_of_a_page_is_refused_as_before():
    """Every page address that a static host serves at a redirect's source counts as that page."""
    import itertools

    from sitegen.redirects import _forms, _normal
    from sitegen.routes import url_problem

    pieces = ["old", "a", "index.html", "index.htm", "x.html"]
    urls = {"/"}
    for count in (1, 2, 3):
        for parts in itertools.product(pieces, repeat=count):
            urls |= {"/" + "/".join(parts), "/" + "/".join(parts) + "/"}
    pages = {url for url in urls if not url_problem(url)}
    for normal in {_normal(url) for url in urls}:
        assert {url for url in pages if _normal(url) == normal} == {url for url in pages if url in _forms(normal)}
