"""`weight` orders pages where they are listed together: lower first, unweighted last."""
from __future__ import annotations

from conftest import build_and_parse


def article(date: str, weight: int | None) -> str:
    weight_line = f"weight: {weight}\n" if weight is not None else ""
    return f"---\ntitle: Article of {date}\ndescription: An article.\ndate: {date}\n{weight_line}---\n\nText.\n"


def listed_articles(site) -> list[str]:
    (listing,) = site.page("/articles/").find_all("ul", class_="article-list")
    return [link.get("href") for link in listing.find_all("a")]


def test_articles_are_listed_by_weight_then_newest_first(fixture_site):
    articles = fixture_site / "content" / "articles"
    for name, date, weight in [("a", "2026-01-01", None), ("b", "2026-02-01", 0), ("c", "2025-01-01", 2),
                               ("d", "2024-01-01", 1), ("e", "2026-05-01", -1), ("f", "2023-01-01", 1)]:
        (articles / f"{name}.md").write_text(article(date, weight), encoding="utf-8")

    site = build_and_parse(fixture_site)

    assert site.result.code == 0, site.result.err
    listed = listed_articles(site)
    # e: -1; then d and f (weight 1, newest first); c: 2; then the unweighted, newest first.
    assert listed == ["/articles/e/", "/articles/d/", "/articles/f/", "/articles/c/",
                      "/articles/first-visit/", "/articles/b/", "/articles/a/"]


def test_without_weights_articles_are_newest_first(built_fixture_drafts):
    listed = listed_articles(built_fixture_drafts)
    assert listed == ["/articles/coming-soon/", "/articles/first-visit/"]
