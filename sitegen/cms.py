"""The web editor: /admin/ and its Sveltia CMS configuration, derived from the declarations.

Sveltia CMS is a git-based CMS that runs in the editor's browser and saves
through the git host's API (no server of ours). It edits a list held in one
YAML file (services.yaml) as a file collection with a list field, keeps
values as written, and reads the configuration from /admin/config.yml. Decap
CMS cannot edit such lists well (decap-cms#531) and unquotes values on save.

The configuration is generated from kinds.py, so the form's fields, required
flags, choices, formats, references and help texts are the ones the build
validates. The CMS script is not fetched from a CDN: the site loads nothing
from third parties, so the clinic puts `sveltia-cms.js` into
static/admin/ (see the README) and the admin page loads it from the site.
The admin page alone may run that script (its own policy: 'self' only); it
carries noindex and is not in the sitemap.
"""
from __future__ import annotations

import html

import yaml

from .collections import Collection
from .schema import (Boolean, Choice, DateValue, Field, Integer, Kind, ListOf, MapOf, Number, Positioned, Record,
                     SlugRef, Text)

ADMIN_PAGE, ADMIN_CONFIG, CMS_SCRIPT = "admin/index.html", "admin/config.yml", "/admin/sveltia-cms.js"  # CMS_SCRIPT: in static/
# The CMS's own script only; it saves through GitHub's API, reads data: and blob: URLs it makes
# itself. Nothing else from other sites: its interface fonts and icons (from a CDN) fall back
# to the system font and plain-text labels; its version and GitHub status checks stay blocked.
ADMIN_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' blob: data:; font-src 'self'; "
                "connect-src 'self' blob: data: https://api.github.com https://*.githubusercontent.com; "
                "object-src 'none'; base-uri 'none'; form-action 'none'")
MEDIA_FOLDER, PUBLIC_FOLDER = "content/images", "/images"  # photos: the images stage resizes them
PLACEHOLDER_REPOSITORY = "OWNER/REPOSITORY"


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _pattern(kind: Text) -> list[str] | None:
    if kind.pattern is None:
        return None
    return [f"^(?:{kind.pattern.pattern})$", kind.hint or f"expected {kind.expected}"]


def _relation(target: Collection, multiple: bool) -> dict:
    """Select a record of `target` by name; the file stores its slug."""
    shown = "title" if "title" in target.fields else "name" if "name" in target.fields else "question" \
        if "question" in target.fields else "slug"
    widget = {"widget": "relation", "collection": target.name, "file": target.name,
              "value_field": f"{target.name}.*.slug", "search_fields": [f"{target.name}.*.{shown}"],
              "display_fields": [f"{target.name}.*.{shown}"]}
    if multiple:
        widget["multiple"] = True
    return widget


def _widget(kind: Kind, name: str, markdown: bool, refs: dict[str, Collection], path: str) -> dict:
    """The CMS widget of one validator; `path` is the field's dotted path (for references)."""
    if isinstance(kind, Positioned):
        return _widget(kind.kind, name, markdown, refs, path)
    if isinstance(kind, Boolean):
        return {"widget": "boolean"}
    if isinstance(kind, Integer):
        return {"widget": "number", "value_type": "int"}
    if isinstance(kind, Number):
        widget = {"widget": "number", "value_type": "float"}
        if kind.minimum != float("-inf"):
            widget["min"] = kind.minimum
        if kind.maximum != float("inf"):
            widget["max"] = kind.maximum
        return widget
    if isinstance(kind, DateValue):
        return {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False}
    if isinstance(kind, Choice):
        return {"widget": "select", "options": list(kind.choices)}
    if isinstance(kind, SlugRef) and path in refs:
        return _relation(refs[path], multiple=False)
    if isinstance(kind, ListOf):
        if isinstance(kind.item, SlugRef) and path in refs:
            widget = _relation(refs[path], multiple=True)
            if kind.allow_empty:
                widget["min"] = 0
            return widget
        inner = _widget(kind.item, name, False, refs, path)
        if isinstance(kind.item, Record):
            widget = {"widget": "list", "fields": inner["fields"]}
        else:
            widget = {"widget": "list", "field": {"name": name, "label": _label(name), **inner}}
        if not kind.allow_empty:
            widget["min"] = 1
        return widget
    if isinstance(kind, Record):
        return {"widget": "object", "fields": _fields(kind.fields, (), refs, path)}
    if isinstance(kind, MapOf):
        return {"widget": "keyvalue"}
    if isinstance(kind, Text):
        widget = {"widget": "markdown" if markdown else "string"}
        pattern = _pattern(kind)
        if pattern:
            widget["pattern"] = pattern
        return widget
    return {"widget": "string"}


def _fields(fields: dict[str, Field], markdown: tuple[str, ...], refs: dict[str, Collection], prefix: str = "") -> list:
    result = []
    for name, spec in fields.items():
        path = f"{prefix}.{name}" if prefix else name
        entry = {"name": name, "label": _label(name), **_widget(spec.kind, name, name in markdown, refs, path),
                 "required": spec.required, "hint": spec.doc}
        if not spec.required and spec.default not in (None, "", (), {}) and not isinstance(spec.default, dict):
            entry["default"] = spec.default
        result.append(entry)
    return result


def _collection(kind: Collection, by_name: dict[str, Collection]) -> dict:
    refs = {ref.field: by_name[ref.to] for ref in kind.references if ref.to in by_name}
    label = kind.name.capitalize()
    if kind.is_folder:
        fields = _fields(kind.fields, (), refs)
        fields.append({"name": "body", "label": "Text", "widget": "markdown", "required": True,
                       "hint": "the page text, in Markdown"})
        collection = {"name": kind.name, "label": label, "label_singular": kind.item, "description": kind.doc,
                      "folder": kind.source, "extension": "md", "format": "yaml-frontmatter", "create": True,
                      "slug": "{{slug}}", "fields": fields}
        if kind.pattern.startswith("**"):
            collection["nested"] = {"depth": 10}
        return collection
    fields = _fields(kind.file_fields, (), {})
    fields.append({"name": kind.name, "label": label, "label_singular": kind.item, "widget": "list",
                   "summary": "{{fields." + _summary_field(kind) + "}}", "hint": f"the {kind.name}, in order",
                   "fields": _fields(kind.fields, kind.markdown, refs), "min": 1})
    return {"name": kind.name, "label": label, "description": kind.doc,
            "files": [{"name": kind.name, "label": label, "file": kind.source, "format": "yaml", "fields": fields}]}


def _summary_field(kind: Collection) -> str:
    return next((name for name in ("name", "title", "question", "quote") if name in kind.fields), "slug")


def cms_config(kinds: tuple[Collection, ...], repository: str | None, auth_url: str | None = None) -> dict:
    """The CMS configuration as data: one collection per kind, in the declarations' order."""
    by_name = {kind.name: kind for kind in kinds}
    backend = {"name": "github", "repo": repository or PLACEHOLDER_REPOSITORY, "branch": "main"}
    if auth_url:
        backend["base_url"] = auth_url
    return {
        "backend": backend,
        "media_folder": MEDIA_FOLDER, "public_folder": PUBLIC_FOLDER,
        # An optional field left blank is left out, as a hand edit would: the build reads a missing
        # field as its default, but `location: ''` as an empty slug, an error.
        "output": {"omit_empty_optional_fields": True},
        "collections": [_collection(kind, by_name) for kind in kinds],
    }


# libyaml's emitter where installed: the same text, written five times faster (it is written on every rebuild).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def config_text(kinds: tuple[Collection, ...], repository: str | None, auth_url: str | None = None) -> str:
    """The configuration file's text. The live preview asks again on every rebuild with the same
    declarations, so the last answer is kept, for those very declaration objects."""
    last = _LAST_CONFIG.get("entry")
    if last is not None and last[0] is kinds and last[1:3] == (repository, auth_url):
        return last[3]
    text = _config_text(kinds, repository, auth_url)
    _LAST_CONFIG["entry"] = (kinds, repository, auth_url, text)
    return text


_LAST_CONFIG: dict = {}


def _config_text(kinds: tuple[Collection, ...], repository: str | None, auth_url: str | None) -> str:
    header = "# Generated by the build from sitegen/kinds.py: edit the declarations, not this file.\n"
    if not repository:
        header += "# Set `repository: owner/name` in site_config.yaml so the editor saves to your repository.\n"
    return header + yaml.dump(cms_config(kinds, repository, auth_url), Dumper=_DUMPER, sort_keys=False,
                              allow_unicode=True, width=120)


def admin_page(site_name: str, script_url: str | None) -> str:
    """The editor's page: the CMS script if static/admin/ has it, else how to add it."""
    title = html.escape(f"{site_name}: content editor")
    if script_url:
        body = ("<noscript><p>The content editor needs JavaScript. You can also edit the files in content/ "
                "directly.</p></noscript>\n" f"<script src=\"{html.escape(script_url)}\"></script>\n")
    else:
        body = ("<main>\n<h1>The content editor is not installed</h1>\n<p>Copy <code>sveltia-cms.js</code> from the "
                "<code>@sveltia/cms</code> package into <code>static/admin/</code> and build again "
                "(the README's editor guide says how).</p>\n</main>\n")
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{ADMIN_POLICY}\">\n"
        "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{title}</title>\n<link href=\"/{ADMIN_CONFIG}\" type=\"application/yaml\" rel=\"cms-config-url\">\n"
        f"</head>\n<body>\n{body}</body>\n</html>\n"
    )


def admin_files(kinds: tuple[Collection, ...], site_name: str, repository: str | None, auth_url: str | None,
                script_url: str | None) -> dict[str, str]:
    """Output path -> text of the admin page and its configuration; `script_url`: where
    the CMS script is published (fingerprinted), None if static/admin/ has none."""
    return {ADMIN_PAGE: admin_page(site_name, script_url), ADMIN_CONFIG: config_text(kinds, repository, auth_url)}


def is_admin(output_path: str) -> bool:
    return output_path == "admin" or output_path.startswith("admin/")

