"""The procedure documents: Markdown files with YAML front matter, one per topic and language.

``knowledge/documents/<topic>/<lang>.md``; the front matter names the document (same ``id`` in
every language), its topic, the petition it guides (or null), its language, its official source
and when it was last reviewed. Splitting follows the Markdown sections, so a chunk is one section
(or a part of a long one) and carries the title and heading it came from.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from langchain_core.documents import Document
from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from forms.languages import LANGUAGES

DOCUMENTS_DIR = Path(__file__).parent / "documents"
REQUIRED_KEYS = ("id", "title", "topic", "petition", "language", "source_url", "last_reviewed")
CHUNK_CHARS = 700
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)


class DocumentError(ValueError):
    """A procedure document that cannot be used, naming the file and what is wrong."""


@dataclass(frozen=True)
class Guide:
    id: str
    language: str
    title: str
    topic: str
    petition: str | None
    source_url: str
    last_reviewed: date
    body: str
    path: Path
    sources: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        """What identifies this file in the index: the document id and its language."""
        return f"{self.id}/{self.language}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def parse(path: Path) -> Guide:
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise DocumentError(f"{path}: no YAML front matter between '---' lines")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(f"{path}: front matter is not valid YAML: {exc}") from exc
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise DocumentError(f"{path}: front matter lacks {', '.join(missing)}")
    if meta["language"] not in LANGUAGES:
        raise DocumentError(f"{path}: language {meta['language']!r} is not one of {LANGUAGES}")
    if path.stem != meta["language"] or path.parent.name != meta["id"]:
        raise DocumentError(f"{path}: must be stored as {meta['id']}/{meta['language']}.md")
    reviewed = meta["last_reviewed"]
    if not isinstance(reviewed, date):
        raise DocumentError(f"{path}: last_reviewed must be a date (YYYY-MM-DD)")
    body = match.group(2).strip()
    if not body:
        raise DocumentError(f"{path}: the document has no text")
    return Guide(
        id=str(meta["id"]),
        language=str(meta["language"]),
        title=str(meta["title"]),
        topic=str(meta["topic"]),
        petition=meta["petition"] or None,
        source_url=str(meta["source_url"]),
        last_reviewed=reviewed,
        body=body,
        path=path,
        sources=tuple(meta.get("sources") or ()),
    )


def load_guides(directory: Path = DOCUMENTS_DIR) -> list[Guide]:
    guides = [parse(p) for p in sorted(directory.glob("*/*.md"))]
    if not guides:
        raise DocumentError(f"{directory}: no documents (expected <topic>/<lang>.md)")
    return guides


_headers = MarkdownHeaderTextSplitter(
    headers_to_split_on=[("#", "title"), ("##", "section"), ("###", "subsection")],
    strip_headers=True,
)
_splitter = RecursiveCharacterTextSplitter(
    chunk_size=CHUNK_CHARS,
    chunk_overlap=0,
    separators=["\n\n", "\n", ". ", "。", "다. ", " ", ""],
    keep_separator="end",
)


def chunks(guide: Guide) -> list[Document]:
    """The guide split by section; metadata names where each chunk came from."""
    out: list[Document] = []
    sections = _splitter.split_documents(_headers.split_text(guide.body))
    for n, section in enumerate(sections):
        heading = section.metadata.get("subsection") or section.metadata.get("section") or ""
        text = section.page_content.strip()
        if not text:
            continue
        out.append(
            Document(
                # The heading line gives the section its subject for embedding and lexical search.
                page_content=f"{guide.title} — {heading}\n{text}"
                if heading
                else f"{guide.title}\n{text}",
                metadata={
                    "source": guide.key,  # groups a file's chunks for incremental indexing
                    "chunk": f"{guide.key}#{n}",
                    "doc_id": guide.id,
                    "language": guide.language,
                    "title": guide.title,
                    "section": heading,
                    "topic": guide.topic,
                    "petition": guide.petition or "",  # Chroma metadata cannot be null
                    "url": guide.source_url,
                },
            )
        )
    return out


def chunk_text(content: str) -> str:
    """A chunk's own text, without the heading line :func:`chunks` puts first."""
    return content.split("\n", 1)[1] if "\n" in content else content
