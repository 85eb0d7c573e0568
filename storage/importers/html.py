"""HTML files: the visible text only (never rendered), block elements as line breaks, entities
decoded; title (og:title, else the first <h1>, else <title>), source (og:site_name), url,
language and publication date (article:published_time and kin) from the page's own tags."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

from selectolax.lexbor import LexborHTMLParser, LexborNode

from storage.importers.decode import FileProblem, file_name, read_text
from storage.importers.records import ArticleRecord, apply_published

# Never visible, or not text: their content is dropped whole.
_SKIP = frozenset({
    "script", "style", "template", "noscript", "head", "title", "svg", "math", "iframe", "object",
    "embed", "canvas", "select", "button", "textarea", "audio", "video", "map", "-comment", "!doctype",
})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "thead", "tfoot", "tr", "ul", "body", "html",
})
_CELL = frozenset({"td", "th"})
_PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "article.published", "pubdate", "publishdate", "publish-date", "publish_date", "date", "dc.date",
    "dc.date.issued", "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date",
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# The HTML parser's time grows with the square of the nesting depth (200,000 nested divs took
# minutes); real pages nest a few hundred deep at most.
MAX_NESTING = 5_000
# "<div/>" opens a div in HTML (the slash is ignored), so a tag's name is all that counts.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
# Elements that never nest (void) or whose end tag is optional (the parser closes them): they
# would make the count drift on valid pages.
_NO_DEPTH = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "tbody", "thead",
    "tfoot", "colgroup", "caption", "html", "head", "body",
})
_BREAK = "\n"


def _hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = (attrs.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def visible_text(root: Optional[LexborNode]) -> str:
    """Text a reader sees, one line per block; iterative so deep nesting cannot overflow."""
    if root is None:
        return ""
    pieces: list[str] = []
    # Stack of (node, entering) pairs; a None node marks the end of a block.
    stack: list[tuple[Optional[LexborNode], bool]] = [(root, True)]
    pre_depth = 0
    while stack:
        node, entering = stack.pop()
        if node is None:
            pieces.append(_BREAK)
            continue
        if not entering:  # leaving a <pre>
            pre_depth -= 1
            pieces.append(_BREAK)
            continue
        tag = node.tag or ""
        if tag == "-text":
            raw = node.text_content or ""
            pieces.append(raw if pre_depth else _HTML_SPACE.sub(" ", raw))
            continue
        if tag in _SKIP or _hidden(node):
            continue
        if tag in _BLOCK:
            pieces.append(_BREAK)
            stack.append((None, True))
        elif tag in _CELL:
            pieces.append(" ")
        if tag == "pre":
            pre_depth += 1
            stack.pop()
            stack.append((node, False))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, True) for c in reversed(children))
    lines = (line.strip(" ") for line in "".join(pieces).split(_BREAK))
    return "\n".join(line for line in lines if line.strip())


def _meta(doc: LexborHTMLParser) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in doc.css("meta"):
        attrs = node.attributes
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
        content = (attrs.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    for node in doc.css("time[itemprop=datePublished][datetime]"):
        found.setdefault("datepublished", (node.attributes.get("datetime") or "").strip())
    return found


def _first_text(doc: LexborHTMLParser, selector: str) -> str:
    node = doc.css_first(selector)
    return " ".join(node.text(separator=" ").split()) if node is not None else ""


def nesting_depth(markup: str, limit: int = MAX_NESTING) -> int:
    """How deep the page's elements nest (stops counting past `limit`)."""
    if markup.count("<") <= limit:
        return 0  # too few tags to nest that deep: no need to count
    depth = deepest = 0
    for closing, name in _TAG.findall(markup):
        if name.lower() in _NO_DEPTH:
            continue
        if closing:
            depth = depth - 1 if depth else 0
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
    return deepest


def parse_html(markup: str, name: str = "") -> ArticleRecord:
    depth = nesting_depth(markup)
    if depth > MAX_NESTING:
        raise FileProblem(f"elements nested more than {MAX_NESTING:,} deep; not an article page")
    doc = LexborHTMLParser(markup)
    text = visible_text(doc.body)
    if not text.strip():
        raise FileProblem("no visible text in this page")
    meta = _meta(doc)
    title = meta.get("og:title") or _first_text(doc, "h1") or _first_text(doc, "title")
    canonical = doc.css_first("link[rel=canonical][href]")
    url = meta.get("og:url") or (canonical.attributes.get("href") or "" if canonical is not None else "")
    extra: dict[str, Any] = {"file": name} if name else {}
    record = ArticleRecord(text=text, title=" ".join(title.split())[:300], source=meta.get("og:site_name", ""),
                           url=url, meta=extra)
    html_node = doc.css_first("html")
    lang = (html_node.attributes.get("lang") or "") if html_node is not None else ""
    if lang:
        record.language = lang.split("-")[0].lower()[:8]
    raw = next((meta[k] for k in _PUBLISHED_KEYS if meta.get(k)), None)
    apply_published(record, raw)
    return record


def read_html_article(path: Path) -> ArticleRecord:
    return parse_html(read_text(path), file_name(path))
