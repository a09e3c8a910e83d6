"""Content collections: each kind of content declared once, everything else derived.

A `Collection` says where a kind's sources are, its fields (validators from
schema.py, each with a one-line doc), its references to other collections,
its order, its pages (a list page, an item page, or none) and what it adds to
the template context. From the declarations this module loads and checks the
records, resolves the references in both directions, plans the pages and
builds the template context. The site's own kinds are declared in kinds.py.

Two sorts of source exist: a YAML file holding a list of records
(content/data/services.yaml) and a folder of Markdown files with front matter
(content/articles/); the folder sort is loaded by content.py into Documents.
A site without a collection's file simply has none of that kind.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import ErrorCollector, did_you_mean
from .routes import Route
from .schema import Context, Field, Item, Located, Record, RecordList, load_yaml_file
from .yamlsource import YMap, YScalar

# A Markdown text to render: (record, attribute to fill, text, source file, first line).
Body = tuple[object, str, str, str, int]
# Reads a companion Markdown file: (path in content/, referring file, line) -> (text, path, first line) or None.
ReadBodyFile = Callable[[str, str, int], "tuple[str, str, int] | None"]


@dataclass(frozen=True, slots=True)
class Reference:
    """Slugs in `field` name records of the collection `to`.

    `field` is a key of the record, or a dotted path into nested lists and
    mappings ('sessions.location'). Every slug must exist (else an error with
    a did-you-mean at its position); each target lists the records naming it
    under `back` (so a service knows its conditions without saying so twice).
    """

    field: str
    to: str
    back: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A page a collection produces.

    For a list page, `url` is fixed ('/team/') and `title`/`description` are
    its text. For an item page, `url`, `title` and `description` are patterns
    filled from the record's attributes ('/team/{slug}/', '{name}').
    """

    url: str
    template: str
    title: str
    description: str
    anchor: str = "{slug}"  # list pages: the id of each entry on it, so its url is /list/#anchor


@dataclass(frozen=True)
class Collection:
    """One kind of content, declared once."""

    name: str  # plural; the template context name and the YAML list key: 'services'
    item: str  # singular; the variable an item page gets and the word in messages: 'service'
    doc: str  # one line for the README
    source: str  # 'content/data/services.yaml' (a YAML list) or 'content/articles' (Markdown files)
    fields: dict[str, Field]
    references: tuple[Reference, ...] = ()
    # Fields to sort by ('title'; '-date': newest first), or a function of the records; None: the file's order.
    order: str | Callable[[list], list] | None = None
    list_page: Page | None = None
    item_page: Page | None = None
    markdown: tuple[str, ...] = ()  # Markdown text fields; `X` renders to `X_html`, `X_file` may hold it instead
    file_fields: dict[str, Field] = field(default_factory=dict)  # other keys of the file beside the list
    derive: Callable[[dict, "Derivation"], dict] | None = None  # validated values -> the record's attributes
    derived: tuple[str, ...] = ()  # attributes `derive` adds beside the fields
    check: Callable[[dict, YMap, str, Context], None] | None = None  # rules across fields of one record
    # Rules across collections, once every record is linked: (record, values as written, where to report).
    linked: Callable[[object, dict, "Derivation"], None] | None = None
    base: type = object  # gives the records methods and properties
    # Extra template names, built from the loaded data alone (the live preview relies on it).
    context: Callable[["SiteData"], dict] | None = None
    pattern: str = "*.md"  # Markdown folders: which files

    @property
    def is_folder(self) -> bool:
        return not self.source.endswith((".yaml", ".yml"))

    @property
    def record(self) -> Record:
        """The schema of one record."""
        return Record(self.fields, name=self.item, check=self._check)

    def _check(self, values, node, where, ctx) -> None:
        for name in self.markdown:
            if values.get(name) and values.get(f"{name}_file"):
                ctx.report(node, where, f"give either '{name}' or '{name}_file', not both")
        if self.check is not None:
            self.check(values, node, where, ctx)

    @property
    def file_schema(self) -> Record:
        return Record({**self.file_fields, self.name: Field(RecordList(self.record), f"the {self.name}, in order")},
                      name=f"{self.name} file")


@dataclass(frozen=True, slots=True)
class Derivation:
    """What `derive` may read besides the record: the configuration, and where to report."""

    config: Any
    root: Path  # the site folder
    source: str  # the collection's file
    where: str  # 'services[2]'
    errors: ErrorCollector

    def report(self, at: Located, message: str, hint: str = "") -> None:
        self.errors.add(self.source, at.line, at.column, f"{self.where}.{message}", hint)


@dataclass(slots=True)
class SiteData:
    """Every record of every YAML collection, linked, in order."""

    records: dict[str, list]  # collection name -> records
    present: set[str]  # the collections whose file the site has
    file_values: dict[str, dict]  # collection name -> its file's other keys (file_fields)
    bodies: list[Body]

    def context(self, kinds: tuple[Collection, ...]) -> dict:
        """What the collections add to every template: their records, and their extras."""
        names: dict[str, object] = {}
        for kind in kinds:
            if kind.is_folder:
                continue
            names[kind.name] = self.records.get(kind.name, [])
            if kind.context is not None:
                names.update(kind.context(self))
        return names


def record_classes(kinds: tuple[Collection, ...]) -> dict[str, type]:
    """One dataclass per YAML collection: slug, url, its fields, the `_html` of its
    Markdown fields, and a list for each reference another collection makes to it."""
    backs: dict[str, list[str]] = {kind.name: [] for kind in kinds}
    for kind in kinds:
        for ref in kind.references:
            if ref.back and ref.to in backs and ref.back not in backs[ref.to]:
                backs[ref.to].append(ref.back)
    classes = {}
    for kind in kinds:
        if kind.is_folder:
            continue
        names = ["url", *(name for name in kind.fields if not name.endswith("_file"))]
        names += [f"{name}_html" for name in kind.markdown] + list(kind.derived)
        specs = [(name, Any, field(default=None)) for name in dict.fromkeys(names)]
        specs += [(name, list, field(default_factory=list)) for name in backs[kind.name]]
        class_name = "".join(part.title() for part in kind.item.split("_")) or "Record"
        classes[kind.name] = dataclasses.make_dataclass(class_name, specs, bases=(kind.base,), eq=False)
    return classes


def load_collections(root: Path, kinds: tuple[Collection, ...], errors: ErrorCollector, config,
                     read_body_file: ReadBodyFile) -> SiteData | None:
    """Load every YAML collection, check slugs and references, and link the records.

    Returns None (every problem reported) when anything is wrong.
    """
    check_declarations(kinds)
    before = len(errors)
    by_name = {kind.name: kind for kind in kinds}
    loaded: dict[str, list[Item]] = {}
    file_values: dict[str, dict] = {}
    declared: dict[str, set[str] | None] = {}
    for kind in kinds:
        if kind.is_folder:
            continue
        if not (root / kind.source).exists():
            declared[kind.name] = set()
            continue  # a site without the file has none of this kind
        if not (root / kind.source).is_file():
            errors.add(kind.source, 0, 0, "is a folder, not a file", f"{kind.source} must be a YAML file listing the {kind.name}")
            declared[kind.name] = None
            continue
        values = load_yaml_file(root, kind.source, kind.file_schema, errors, f"see the README for what {kind.source} holds")
        if values is None:
            declared[kind.name] = None  # unreadable: references to it cannot be judged
            continue
        loaded[kind.name] = values.pop(kind.name)
        file_values[kind.name] = values
        declared[kind.name] = _declared_slugs(loaded[kind.name], kind, errors)

    # Every record first exists empty, so references in any direction (even in
    # cycles: locations name services, service prices name locations) find their target.
    classes = record_classes(kinds)
    records: dict[str, dict[str, object]] = {
        name: {item.values["slug"]: classes[name]() for item in items if item.values is not None}
        for name, items in loaded.items()}
    bodies: list[Body] = []
    for kind in kinds:
        filled: set[str] = set()
        for item in loaded.get(kind.name, ()):
            if item.values is None or item.values["slug"] in filled:
                continue
            filled.add(item.values["slug"])
            record = records[kind.name][item.values["slug"]]
            where = f"{kind.name}[{item.index}]"
            values = dict(item.values)
            links = _resolve(kind, values, where, by_name, records, declared, errors)
            attributes = {name: value for name, value in values.items() if not name.endswith("_file")}
            if kind.derive is not None:
                attributes = kind.derive(attributes, Derivation(config, root, kind.source, where, errors))
            if kind.item_page is not None:
                attributes["url"] = kind.item_page.url.format(**attributes)
            elif kind.list_page is not None:
                attributes["url"] = f"{kind.list_page.url}#{kind.list_page.anchor.format(**attributes)}"
            for name in kind.markdown:
                attributes[f"{name}_html"] = ""  # filled in by the Markdown stage
            for name, value in attributes.items():
                setattr(record, name, value)
            for ref, target in links:
                backs = getattr(target, ref.back)
                if record not in backs:
                    backs.append(record)
            bodies += _bodies(kind, record, item, read_body_file)
    if len(errors) != before:
        return None
    for kind in kinds:
        if kind.linked is None:
            continue
        for item in loaded.get(kind.name, ()):
            if item.values is not None:
                kind.linked(records[kind.name][item.values["slug"]], item.values,
                            Derivation(config, root, kind.source, f"{kind.name}[{item.index}]", errors))
    if len(errors) != before:
        return None
    ordered = {}
    for kind in kinds:
        if not kind.is_folder:
            ordered[kind.name] = sort_records(list(records.get(kind.name, {}).values()), kind.order)
    return SiteData(ordered, set(loaded), file_values, bodies)


def sort_records(records: list, order) -> list:
    """Records sorted by fields ('weight,title'; '-date': newest first) or by a function; None keeps the order."""
    if callable(order):
        return order(list(records))
    records = list(records)
    for key in reversed((order or "").split(",")):
        if key.strip():
            name = key.strip().lstrip("-")
            records.sort(key=lambda record: (getattr(record, name) is None, getattr(record, name)),
                         reverse=key.strip().startswith("-"))
    return records


def _resolve(kind: Collection, values: dict, where: str, by_name: dict, records: dict, declared: dict,
             errors: ErrorCollector) -> list:
    """Replace the slugs of `kind`'s references in `values` by their records; report unknown ones.

    Returns (reference, target) for each reference that declares a `back` list.
    """
    links = []
    for ref in kind.references:
        target_kind = by_name[ref.to]
        known, choices = records.get(ref.to, {}), declared.get(ref.to, set())
        if choices is None:
            continue
        for holder, key, located, path in _slugs_at(values, ref.field.split("."), where):
            if located.value in known:
                holder[key] = known[located.value]
                if ref.back:
                    links.append((ref, known[located.value]))
            elif located.value not in choices:  # a declared slug with mistakes of its own is reported already
                errors.add(kind.source, located.line, located.column, f"{path}: unknown {target_kind.item} '{located.value}'",
                           did_you_mean(located.value, choices) or
                           (f"known {target_kind.name}: " + ", ".join(sorted(choices)) if choices
                            else f"there are no {target_kind.name}: add them to {target_kind.source}"))
    return links


def _slugs_at(holder, path: list[str], where: str):
    """(container, key, Located, position text) for each slug at `path` inside `holder`."""
    name, rest = path[0], path[1:]
    if not isinstance(holder, dict) or holder.get(name) is None:
        return
    value = holder[name]
    here = f"{where}.{name}"
    if rest:
        items = value if isinstance(value, (list, tuple)) else [value]
        for index, item in enumerate(items):
            yield from _slugs_at(item, rest, f"{here}[{index}]" if isinstance(value, (list, tuple)) else here)
        return
    if isinstance(value, Located):
        yield holder, name, value, here
    elif isinstance(value, (list, tuple)):
        value = holder[name] = list(value)
        for index, located in enumerate(value):
            if isinstance(located, Located):
                yield value, index, located, f"{here}[{index}]"


def _declared_slugs(items: list[Item], kind: Collection, errors: ErrorCollector) -> set[str]:
    """Every slug written in the file, valid record or not; duplicates are errors.

    References to a slug whose record has other mistakes are not reported
    again: the record's own errors already fail the build.
    """
    first_use: dict[str, int] = {}
    for item in items:
        if not isinstance(item.node, YMap) or "slug" not in item.node.items:
            continue
        slug_node = item.node.items["slug"][1]
        if not isinstance(slug_node, YScalar):
            continue
        slug = slug_node.text
        if slug in first_use:
            errors.add(kind.source, slug_node.line, slug_node.column,
                       f"{kind.name}[{item.index}].slug: '{slug}' is already used by {kind.name}[{first_use[slug]}]",
                       "every slug must be different")
        else:
            first_use[slug] = item.index
    return set(first_use)


def _bodies(kind: Collection, record, item: Item, read_body_file: ReadBodyFile) -> list[Body]:
    """The Markdown texts of one record, from the file or from a companion file."""
    found = []
    for name in kind.markdown:
        values = item.values or {}
        if values.get(f"{name}_file"):
            loaded = read_body_file(values[f"{name}_file"], kind.source, item.node.items[f"{name}_file"][1].line)
            if loaded is not None:
                found.append((record, f"{name}_html", *loaded))
        elif values.get(name):
            node = item.node.items[name][1]
            # A block scalar ('|') starts on the line after its key.
            block = isinstance(node, YScalar) and not node.plain and node.text.endswith("\n")
            first_line = node.line + (1 if block else 0)
            found.append((record, f"{name}_html", values[name], kind.source, first_line))
    return found


def collection_routes(kinds: tuple[Collection, ...], data: SiteData) -> list[Route]:
    """The list page and item pages every collection declares (Markdown files route themselves)."""
    routes = []
    for kind in kinds:
        if kind.list_page is not None and (kind.is_folder or kind.name in data.present):
            page = kind.list_page
            routes.append(Route(page.url, kind.name, page.template, page.title, page.description, kind.source))
        if kind.item_page is None or kind.is_folder:
            continue
        page = kind.item_page
        for record in data.records.get(kind.name, ()):
            attributes = vars(record)
            routes.append(Route(record.url, kind.item, page.template, page.title.format(**attributes),
                                page.description.format(**attributes), kind.source, 0, record))
    return routes


def document_context(kinds: tuple[Collection, ...], documents: list) -> dict:
    """Each Markdown collection's published documents, in its declared order, by its name."""
    return {kind.name: sort_records([d for d in documents if d.kind == kind.item], kind.order)
            for kind in kinds if kind.is_folder}


def check_declarations(kinds: tuple[Collection, ...]) -> None:
    """Raise ValueError naming the first mistake in a set of declarations (a developer's slip)."""
    names = [kind.name for kind in kinds]
    for kind in kinds:
        if names.count(kind.name) > 1:
            raise ValueError(f"two collections are named '{kind.name}'")
        if not kind.is_folder and "slug" not in kind.fields:
            raise ValueError(f"collection '{kind.name}' needs a 'slug' field")
        for ref in kind.references:
            if ref.to not in names:
                raise ValueError(f"collection '{kind.name}' refers to '{ref.to}', which is not declared")
            target = next(other for other in kinds if other.name == ref.to)
            if ref.back and ref.back in target.fields:
                raise ValueError(f"'{ref.back}', filled in by {kind.name}, is already a field of {ref.to}")
            if ref.field.split(".")[0] not in kind.fields:
                raise ValueError(f"collection '{kind.name}' has no field '{ref.field}' to refer from")
        for name in kind.markdown:
            if name not in kind.fields:
                raise ValueError(f"collection '{kind.name}' has no Markdown field '{name}'")
