"""Public text: every string a reader can get out of a public file, whatever its format, so that
the leak scan reads a PDF, an image or an archive as closely as it reads a CSV file.

A file's format is told by its first bytes (SVG and HTML by name): PDF pages' text is read
with PDFium (``pypdfium2``), their metadata, outline, links and attachments with ``pypdf``;
raster images' metadata (PNG text chunks, comments, EXIF, XMP) with Pillow, never their pixels
(the figure code records the text it draws in the PNG itself, see
:mod:`peacekeeping_interviews.analysis.figures`); zip and tar.gz members and ``data:`` URIs (the
figures inside a self-contained HTML page) are read as files of their own. What markup spreads
over several elements or writes as character entities (an SVG name in ``<tspan>`` pieces,
``&#83;abine``) is read again decoded, and so is a PDF line that goes on on the next line.
A format read here by none of these is *not scannable*: never passed in silence,
since a file nobody read proves nothing, unless it is one of :data:`NO_TEXT_FORMATS`.
"""

from __future__ import annotations

import base64
import gzip
import html
import io
import itertools
import mimetypes
import re
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote_to_bytes
from xml.etree import ElementTree

import pypdf
import pypdfium2 as pdfium
from PIL import Image, UnidentifiedImageError

from peacekeeping_interviews.qda_exchange import PROJECT_MEMBER

MEMBER = "!"  # joins a file and a place inside it: ``deposit.zip!bag/paper.pdf!page 3``
# Formats that carry no text a pipeline step writes: the renderer's web fonts (glyphs and the
# font's own names), which a self-contained HTML page may embed. Told by their first bytes.
NO_TEXT_FORMATS = {b"wOFF": "woff font", b"wOF2": "woff2 font"}
HOW = {
    "text": "read as UTF-8 text (Latin-1 if not UTF-8), line by line",
    "html": "read as text, and again with tags removed and character entities decoded",
    "svg": "read as text, and again parsed as XML: each <text> element's pieces joined, entities "
    "and the drawn text that matplotlib keeps in comments decoded, attribute values",
    "pdf": "each page's text, extracted with PDFium, and each pair of lines again joined (a name "
    "broken over two lines, or hyphenated); metadata, XMP, outline, links and attachments",
    "raster image": "metadata read with Pillow (PNG text chunks, comments, EXIF, XMP); pixels "
    "are not read",
    "zip": "member names, and each member read by its own format",
    "refi-qda": "a REFI-QDA project (a zip holding project.qde), read also case by case: each "
    "case's name, variable values and transcripts' names and texts on one line, so that a "
    "detail in one part is read beside the pseudonym in another",
    "tar.gz": "member names, and each member read by its own format",
    "gzip": "decompressed and read by its own format",
    "no text": "not read: a format that carries no text (public_text.NO_TEXT_FORMATS)",
}
_RASTER = {"PNG", "JPEG", "GIF", "WEBP", "TIFF"}
_MARKUP = {".html", ".htm", ".xhtml"}
_TAG = re.compile(r"<[^>]*>")
_DATA_URI = re.compile(r"(?<![\w-])data:([a-z]+/[\w.+-]+)((?:;[\w.+=-]+)*),([^\"'\s)<>]*)", re.I)
_SVG_GEOMETRY = {"d", "points", "transform", "viewBox", "style"}
_HYPHENATED = re.compile(r"[^\W\d_][-\u00ad]$")


@dataclass(frozen=True)
class Passage:
    """Text read in a file, with the place it stands (``file``, ``file!page 3``,
    ``archive!member``). A passage that ``restates`` earlier ones of its file (the same text
    decoded or joined differently) is there for what they missed."""

    where: str
    text: str
    restates: bool = False


@dataclass(frozen=True)
class Reading:
    """One file or archive member as the scan read it: its format (a key of :data:`HOW`) and
    passages, or, when it could not be read, ``unreadable`` saying why."""

    where: str
    format: str
    passages: tuple[Passage, ...] = ()
    unreadable: str = ""


def file_of(where: str) -> str:
    """The file on disk a place is in (``deposit.zip!bag/paper.pdf!page 3`` is in the zip)."""
    return where.split(MEMBER, 1)[0]


def read_public(where: str, data: bytes, exempt_in_tar: tuple[str, ...] = ()) -> list[Reading]:
    """The readings of one file: the file itself, then every member inside it, recursively.

    ``exempt_in_tar`` are strings blanked from the text of tar.gz members (a source snapshot's
    generator vocabulary, see
    :func:`peacekeeping_interviews.archive.deposit.generator_vocabulary`)."""
    try:
        return _read(where, data, exempt_in_tar)
    except Exception as error:  # any failure to read is reported, never passed
        return [Reading(where, _format_name(where, data), unreadable=f"{type(error).__name__}")]


def _format_name(where: str, data: bytes) -> str:
    suffix = PurePosixPath(where.rsplit(MEMBER, 1)[-1]).suffix.lower().lstrip(".")
    return suffix or data[:8].hex()


def _read(where: str, data: bytes, exempt: tuple[str, ...]) -> list[Reading]:
    name = where.rsplit(MEMBER, 1)[-1].lower()
    if data.startswith(b"%PDF-"):
        return _pdf(where, data, exempt)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip(where, data, exempt)
    if data.startswith(b"\x1f\x8b"):
        return _gzip(where, data, exempt)
    if data[:4] in NO_TEXT_FORMATS:
        return [Reading(where, "no text")]
    if b"\0" in data[:8192]:
        return _raster(where, data)
    text = _decoded(data)
    if name.endswith(".svg") or text.lstrip().startswith("<svg"):
        return _text(where, text, "svg", _svg_lines(text), exempt)
    if PurePosixPath(name).suffix in _MARKUP:
        return _text(where, text, "html", _markup_lines(text), exempt)
    return _text(where, text, "text", [], exempt)


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _text(
    where: str, text: str, kind: str, decoded: list[str], exempt: tuple[str, ...]
) -> list[Reading]:
    """A text file, its decoded restatement if it says anything more, and its data URIs."""
    passages = [Passage(where, text)]
    if decoded and decoded != text.splitlines():
        passages.append(Passage(where, "\n".join(decoded), restates=True))
    uris = [
        reading
        for number, uri in enumerate(_data_uris(text), start=1)
        for reading in read_public(_uri_name(where, number, uri), _uri_bytes(uri), exempt)
    ]
    return [Reading(where, kind, tuple(passages)), *uris]


def _data_uris(text: str) -> Iterator[re.Match[str]]:
    """The ``data:`` URIs in the text; a text without the scheme in any case is not searched
    (the search, in any case and after a look-behind, tries every position of the text)."""
    return _DATA_URI.finditer(text) if "data:" in text.lower() else iter(())


def _uri_name(where: str, number: int, uri: re.Match[str]) -> str:
    extension = mimetypes.guess_extension(uri.group(1).lower()) or ""
    return f"{where}{MEMBER}data-uri-{number}{extension}"


def _uri_bytes(uri: re.Match[str]) -> bytes:
    if ";base64" in uri.group(2).lower():
        return base64.b64decode(unquote_to_bytes(uri.group(3)), validate=True)
    return unquote_to_bytes(uri.group(3))


def _markup_lines(text: str) -> list[str]:
    return [html.unescape(_TAG.sub("", line)) for line in text.splitlines()]


def _svg_lines(text: str) -> list[str]:
    """The SVG's strings as XML says them: each ``<text>`` element's pieces (``<tspan>``s placed
    side by side) joined into one line, once as they touch and once a space apart, since their
    layout does not say which; character entities decoded; comments (matplotlib's drawn text,
    escaped) unescaped."""
    parser = ElementTree.XMLParser(target=ElementTree.TreeBuilder(insert_comments=True))
    root = ElementTree.fromstring(text, parser=parser)
    return [line for line in _element_lines(root) if line.strip()]


def _element_lines(element: ElementTree.Element) -> Iterator[str]:
    if element.tag is ElementTree.Comment:
        yield html.unescape(element.text or "")
        return
    if str(element.tag).rsplit("}", 1)[-1] == "text":
        pieces = [piece for piece in element.itertext() if piece.strip()]
        yield from ("".join(pieces), " ".join(pieces))
        return
    yield from (
        value
        for key, value in element.attrib.items()
        if key.rsplit("}", 1)[-1] not in _SVG_GEOMETRY
    )
    yield element.text or ""
    for child in element:
        yield from _element_lines(child)
        yield child.tail or ""


def _pdf(where: str, data: bytes, exempt: tuple[str, ...]) -> list[Reading]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        return [Reading(where, "pdf", unreadable="encrypted")]
    passages = []
    for number, (page, text) in enumerate(zip(reader.pages, _page_texts(data)), start=1):
        lines = text.splitlines()
        place = f"{where}{MEMBER}page {number}"
        passages += [
            Passage(place, "\n".join(lines)),
            Passage(place, "\n".join(_line_pairs(lines)), restates=True),
            Passage(f"{place} links", "\n".join(_annotation_texts(page))),
        ]
    info = [f"{key}: {value}" for key, value in (reader.metadata or {}).items()]
    xmp = reader.xmp_metadata
    passages += [
        Passage(f"{where}{MEMBER}metadata", "\n".join(info)),
        Passage(f"{where}{MEMBER}XMP", _decoded(xmp.stream.get_data()) if xmp else ""),
        Passage(f"{where}{MEMBER}outline", "\n".join(_outline_titles(reader.outline))),
    ]
    attached = [
        reading
        for name, contents in reader.attachments.items()
        for content in contents
        for reading in read_public(f"{where}{MEMBER}{name}", content, exempt)
    ]
    return [Reading(where, "pdf", tuple(p for p in passages if p.text)), *attached]


def _page_texts(data: bytes) -> list[str]:
    """The text of each page, extracted by PDFium (pypdfium2): the text a reader selects and
    copies, about fifteen times faster than pypdf's extraction (hundreds of pages of an
    appendix at 20,000 interviews)."""
    document = pdfium.PdfDocument(data)
    try:
        return [_page_text(document[index]) for index in range(len(document))]
    finally:
        document.close()


def _page_text(page: pdfium.PdfPage) -> str:
    text_page = page.get_textpage()
    try:
        return text_page.get_text_range()
    finally:
        text_page.close()
        page.close()


def _line_pairs(lines: list[str]) -> list[str]:
    """Each line joined to the next, as a reader reads a sentence over a line break: a word
    hyphenated at the break is joined whole."""
    pairs = []
    for line, following in itertools.pairwise(lines):
        if _HYPHENATED.search(line) and following[:1].islower():
            pairs.append(line[:-1] + following)
        else:
            pairs.append(f"{line} {following}")
    return pairs


def _annotation_texts(page: pypdf.PageObject) -> Iterator[str]:
    for annotation in page.get("/Annots") or []:
        fields = annotation.get_object()
        action = fields.get("/A") or {}
        yield from (str(v) for v in (fields.get("/Contents"), action.get("/URI")) if v)


def _outline_titles(outline: list) -> Iterator[str]:
    for entry in outline:
        if isinstance(entry, list):
            yield from _outline_titles(entry)
        else:
            yield str(entry.title)


def _raster(where: str, data: bytes) -> list[Reading]:
    try:
        opened = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        return [Reading(where, _format_name(where, data), unreadable="unknown binary format")]
    with opened as image:
        if image.format not in _RASTER:
            return [Reading(where, image.format or "image", unreadable="not a raster image")]
        image.load()
        texts = [f"{key}: {value}" for key, value in image.info.items() if isinstance(value, str)]
        texts += [
            f"{key}: {_decoded(value)}"
            for key, value in image.info.items()
            if key in {"comment", "xmp"} and isinstance(value, bytes)
        ]
        texts += [str(value) for value in image.getexif().values() if isinstance(value, str)]
    return [
        Reading(where, "raster image", (Passage(f"{where}{MEMBER}metadata", "\n".join(texts)),))
    ]


def _zip(where: str, data: bytes, exempt: tuple[str, ...]) -> list[Reading]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        names = Passage(where, "\n".join(info.filename for info in archive.infolist()))
        inside = [
            reading
            for info in members
            for reading in read_public(
                f"{where}{MEMBER}{info.filename}", archive.read(info), exempt
            )
        ]
    return [Reading(where, "zip", (names,)), *inside, *_refi_qda(where, data)]


def _refi_qda(where: str, data: bytes) -> list[Reading]:
    """A REFI-QDA project case by case (see :data:`HOW`), read leniently from ``project.qde``
    (any element named ``Case``, its ``SourceRef`` targets, any element with a ``guid`` ending
    in ``Source``), so that a project the exchange reader would refuse (a PDF or audio source,
    an unknown attribute) is read all the same; nothing for another zip or unparsable XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if PROJECT_MEMBER not in archive.namelist():
            return []
        try:
            root = ElementTree.fromstring(archive.read(PROJECT_MEMBER))
        except ElementTree.ParseError:
            return []
        members = set(archive.namelist())
        sources = {
            element.get("guid", ""): _source_text(element, archive, members)
            for element in root.iter()
            if _local(element.tag).endswith("Source") and element.get("guid")
        }
    cases = [element for element in root.iter() if _local(element.tag) == "Case"]
    referenced: set[str] = set()
    lines = []
    for case in cases:
        refs = [r.get("targetGUID", "") for r in case.iter() if _local(r.tag) == "SourceRef"]
        referenced.update(refs)
        lines.append(_one_line([*_texts(case), *(sources.get(ref, "") for ref in refs)]))
    lines += [_one_line([text]) for guid, text in sources.items() if guid not in referenced]
    place = f"{where}{MEMBER}{PROJECT_MEMBER} (case by case)"
    return [Reading(place, "refi-qda", (Passage(place, "\n".join(lines), restates=True),))]


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _texts(element: ElementTree.Element) -> list[str]:
    """Every attribute value and text in the element and below it."""
    return [
        text
        for node in element.iter()
        for text in (*node.attrib.values(), node.text or "", node.tail or "")
        if text.strip()
    ]


def _source_text(element: ElementTree.Element, archive: zipfile.ZipFile, members: set[str]) -> str:
    """A source's name, variables and text: inline, or its ``internal://`` file in ``sources/``."""
    parts = _texts(element)
    path = element.get("plainTextPath") or ""
    if path.startswith("internal://"):
        member = f"sources/{path.removeprefix('internal://')}"
        if member in members:
            parts.append(_decoded(archive.read(member)))
    return _one_line(parts)


def _one_line(parts: list[str]) -> str:
    return " ".join(" ".join(parts).split())


def _gzip(where: str, data: bytes, exempt: tuple[str, ...]) -> list[Reading]:
    content = gzip.decompress(data)
    if not tarfile.is_tarfile(io.BytesIO(content)):
        inner = where.removesuffix(".gz") if where.endswith(".gz") else f"{where}{MEMBER}content"
        return [Reading(where, "gzip"), *read_public(inner, content, exempt)]
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:") as archive:
        members = archive.getmembers()
        names = Passage(where, "\n".join(member.name for member in members))
        inside = [
            reading
            for member in members
            if member.isfile()
            for reading in _tar_member(f"{where}{MEMBER}{member.name}", archive, member, exempt)
        ]
    return [Reading(where, "tar.gz", (names,)), *inside]


def _tar_member(
    where: str, archive: tarfile.TarFile, member: tarfile.TarInfo, exempt: tuple[str, ...]
) -> list[Reading]:
    extracted = archive.extractfile(member)
    content = extracted.read() if extracted else b""
    return [_blanked(reading, exempt) for reading in read_public(where, content, exempt)]


def _blanked(reading: Reading, exempt: tuple[str, ...]) -> Reading:
    if not exempt:
        return reading
    passages = []
    for passage in reading.passages:
        text = passage.text
        for vocabulary in exempt:
            text = text.replace(vocabulary, "")
        passages.append(Passage(passage.where, text, passage.restates))
    return Reading(reading.where, reading.format, tuple(passages), reading.unreadable)
