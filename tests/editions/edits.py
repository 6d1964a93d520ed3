"""Edit the visible text of the real deck, glyph by glyph, with pypdf: the material for deck-edition tests.

LibreOffice draws each text run with per-run ``Td``/``Tm`` positioning in subset TrueType fonts (F1, F2, ...) whose
ToUnicode CMaps say which character each one-byte code is. ``page_glyphs`` walks a page's content stream and
decodes every shown glyph with its position; ``replace_text`` blanks the old glyphs (each becomes a ``TJ`` offset of
the same advance, so nothing else moves) and draws the new string in its own ``q BT ... ET Q`` block, picking for
each character a font that has it; ``remove_text`` blanks every glyph inside a box. Ruling lines and fills are never
touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pdfplumber
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
)
from pypdf.generic import ByteStringObject as _Bytes

Matrix = tuple[float, float, float, float, float, float]
BBox = tuple[float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m1: Matrix, m2: Matrix) -> Matrix:
    """m1 x m2 in PDF's row-vector convention (apply m1, then m2)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _inverse(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


def _translate(tx: float, ty: float) -> Matrix:
    return (1.0, 0.0, 0.0, 1.0, tx, ty)


# --- fonts -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Font:
    """One simple (one-byte) font: its codes' characters and widths (1/1000 em)."""

    key: int  # object number, so a font is the same font on every page
    base_font: str
    to_unicode: dict[int, str]
    widths: dict[int, float]
    missing_width: float
    descent: float

    def width(self, code: int) -> float:
        return self.widths.get(code, self.missing_width)

    def code_for(self, char: str) -> int | None:
        codes = [code for code, text in self.to_unicode.items() if text == char]
        return min(codes) if codes else None


def _hex_text(hexstr: str) -> str:
    raw = bytes.fromhex(hexstr)
    return raw.decode("utf-16-be", errors="replace") if len(raw) % 2 == 0 else raw.decode("latin-1")


def parse_cmap(data: bytes) -> dict[int, str]:
    """Code -> text from a ToUnicode CMap (bfchar and bfrange, both range forms)."""
    text = data.decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = _hex_text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, rest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                for i, dst in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", rest)):
                    out[lo_i + i] = _hex_text(dst)
            else:
                raw = bytearray(bytes.fromhex(rest[1:-1]))
                for code in range(lo_i, hi_i + 1):
                    out[code] = raw.decode("utf-16-be", errors="replace")
                    raw[-1] += 1  # bfrange increments the last byte only
    return out


def load_font(ref: object) -> Font:
    """A Font from a /Font resource (indirect object); only simple one-byte fonts, like LibreOffice's subsets."""
    obj = ref.get_object()  # type: ignore[attr-defined]
    subtype = obj["/Subtype"]
    if subtype == "/Type0":
        raise AssertionError(f"{obj.get('/BaseFont')}: composite (Type0) fonts are not supported")
    first = int(obj.get("/FirstChar", 0))
    widths = {first + i: float(w) for i, w in enumerate(obj.get("/Widths", []))}
    desc = obj.get("/FontDescriptor")
    desc = desc.get_object() if desc is not None else {}
    to_unicode = parse_cmap(obj["/ToUnicode"].get_object().get_data()) if "/ToUnicode" in obj else {}
    return Font(
        key=getattr(ref, "idnum", id(obj)),
        base_font=str(obj.get("/BaseFont", "?")),
        to_unicode=to_unicode,
        widths=widths,
        missing_width=float(desc.get("/MissingWidth", 0)),
        descent=float(desc.get("/Descent", -200)),
    )


# --- glyphs ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Glyph:
    """One shown glyph: what it reads, where it is, and where its code sits in the content stream."""

    char: str
    code: int
    font_name: str  # resource name on the page, e.g. "/F1"
    font: Font
    size: float
    op_index: int  # index in ContentStream.operations
    item: int  # index in the TJ array (0 for Tj, ' and ")
    byte: int  # index of the code in that string
    matrix: Matrix  # text-space origin matrix (Tm x CTM) at the glyph, font size not applied
    ctm: Matrix
    advance: float  # text-space advance (w0 * size + Tc [+ Tw]) * Th, in units of `matrix`
    char_spacing: float
    h_scale: float
    x: float  # baseline origin, pdfplumber coordinates (from the page's top-left)
    y: float  # baseline, as a distance from the page's top (like pdfplumber's `bottom`, without the descent)

    @property
    def center(self) -> tuple[float, float]:
        """The glyph box's middle in pdfplumber coordinates (x, top)."""
        return self.x + self.advance * self.matrix[0] / 2, self.y - self.size * (self.font.descent / 1000 + 0.5)


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    font_name: str | None = None
    size: float = 0.0
    tc: float = 0.0
    tw: float = 0.0
    tz: float = 100.0
    tl: float = 0.0
    ts: float = 0.0

    def copy(self) -> _State:
        return _State(self.ctm, self.font_name, self.size, self.tc, self.tw, self.tz, self.tl, self.ts)


@dataclass
class PageText:
    """A parsed page: its content stream's operations, glyphs, fonts and where each BT block ends."""

    operations: list[tuple[list, bytes]]
    glyphs: list[Glyph]
    fonts: dict[str, Font]
    et_index: dict[int, int] = field(default_factory=dict)  # op index of a shown string -> its block's ET
    ctm_at: dict[int, Matrix] = field(default_factory=dict)  # op index of an ET -> CTM there
    mediabox: BBox = (0.0, 0.0, 0.0, 0.0)

    def visible(self) -> list[Glyph]:
        return [g for g in self.glyphs if g.char.strip()]

    def text(self) -> str:
        return "".join(g.char for g in self.visible())

    def lines(self) -> list[str]:
        """The page's glyphs grouped by baseline (top to bottom), for error messages."""
        rows: dict[float, list[Glyph]] = {}
        for g in self.visible():
            rows.setdefault(round(g.y), []).append(g)
        return ["".join(g.char for g in sorted(gs, key=lambda g: g.x)) for _, gs in sorted(rows.items())]


def _fonts(page: object, cache: dict[int, Font] | None = None) -> dict[str, Font]:
    """The page's /Font resources by name; `cache` (object number -> Font) spares parsing a CMap twice."""
    res = page["/Resources"].get_object()  # type: ignore[index]
    fonts = res.get("/Font", {})
    fonts = fonts.get_object() if hasattr(fonts, "get_object") else fonts
    out: dict[str, Font] = {}
    for name in fonts:
        ref = fonts.raw_get(name)
        key = getattr(ref, "idnum", None)
        if cache is None or key is None:
            out[str(name)] = load_font(ref)
            continue
        if key not in cache:
            cache[key] = load_font(ref)
        out[str(name)] = cache[key]
    return out


def parse_page(page: object, pdf: PdfReader | PdfWriter, cache: dict[int, Font] | None = None) -> PageText:
    """Every glyph the page's own content stream shows (form XObjects are not entered), in stream order."""
    content = ContentStream(page.get_contents(), pdf)  # type: ignore[attr-defined]
    fonts = _fonts(page, cache)
    mb = page.mediabox  # type: ignore[attr-defined]
    left, top = float(mb.left), float(mb.top)
    ops = content.operations
    st, stack = _State(), []
    tm = tlm = IDENTITY
    glyphs: list[Glyph] = []
    pending: list[int] = []
    et_index: dict[int, int] = {}
    ctm_at: dict[int, Matrix] = {}

    def show(op_index: int, item: int, data: bytes) -> None:
        nonlocal tm
        if st.font_name not in fonts:
            raise AssertionError(f"text shown in unknown font {st.font_name} (op {op_index})")
        font = fonts[st.font_name]
        th = st.tz / 100
        for i, code in enumerate(data):
            space = st.tw if code == 32 else 0.0
            adv = (font.width(code) / 1000 * st.size + st.tc + space) * th
            m = _mul(_mul(_translate(0, st.ts), tm), st.ctm)
            glyphs.append(
                Glyph(
                    char=font.to_unicode.get(code, "\ufffd"),
                    code=code,
                    font_name=st.font_name,
                    font=font,
                    size=st.size,
                    op_index=op_index,
                    item=item,
                    byte=i,
                    matrix=m,
                    ctm=st.ctm,
                    advance=adv,
                    char_spacing=st.tc,
                    h_scale=th,
                    x=m[4] - left,
                    y=top - m[5],
                )
            )
            tm = _mul(_translate(adv, 0), tm)

    def next_line() -> None:
        nonlocal tm, tlm
        tlm = _mul(_translate(0, -st.tl), tlm)
        tm = tlm

    for idx, (operands, op) in enumerate(ops):
        if op == b"q":
            stack.append(st.copy())
        elif op == b"Q":
            st = stack.pop() if stack else _State()
        elif op == b"cm":
            st.ctm = _mul(tuple(float(v) for v in operands), st.ctm)  # type: ignore[arg-type]
        elif op == b"BT":
            tm = tlm = IDENTITY
        elif op == b"ET":
            for i in pending:
                et_index[i] = idx
            pending = []
            ctm_at[idx] = st.ctm
        elif op == b"Tf":
            st.font_name, st.size = str(operands[0]), float(operands[1])
        elif op == b"Tc":
            st.tc = float(operands[0])
        elif op == b"Tw":
            st.tw = float(operands[0])
        elif op == b"Tz":
            st.tz = float(operands[0])
        elif op == b"TL":
            st.tl = float(operands[0])
        elif op == b"Ts":
            st.ts = float(operands[0])
        elif op in (b"Td", b"TD"):
            tx, ty = float(operands[0]), float(operands[1])
            if op == b"TD":
                st.tl = -ty
            tlm = _mul(_translate(tx, ty), tlm)
            tm = tlm
        elif op == b"Tm":
            tm = tlm = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif op == b"T*":
            next_line()
        elif op in (b"Tj", b"'", b'"'):
            if op == b'"':
                st.tw, st.tc = float(operands[0]), float(operands[1])
            if op != b"Tj":
                next_line()
            show(idx, 0, bytes(operands[-1].original_bytes if hasattr(operands[-1], "original_bytes") else b""))
            pending.append(idx)
        elif op == b"TJ":
            for item, part in enumerate(operands[0]):
                if isinstance(part, (int, float)) and not isinstance(part, (str, bytes)):
                    tm = _mul(_translate(-float(part) / 1000 * st.size * st.tz / 100, 0), tm)
                else:
                    show(idx, item, bytes(part.original_bytes))
            pending.append(idx)
    return PageText(ops, glyphs, fonts, et_index, ctm_at, (float(mb.left), float(mb.bottom), float(mb.right), top))


# --- editing ---------------------------------------------------------------------------------------------------------

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Edit:
    """Replace the visible string `old` (exactly once on 1-based `page`, or once inside `within`) with `new`.

    Spaces in `old` are ignored (the deck draws few space glyphs); a space in `new` is an advance, not a glyph.
    `align` places a replacement of a different width inside the old string's span (cells are centred).
    """

    page: int
    old: str
    new: str
    align: Align = "left"
    within: str | None = None


def _squash(text: str) -> str:
    return "".join(text.split())


class DeckEditor:
    """A clone of a PDF whose pages' visible text can be replaced or blanked, then saved."""

    def __init__(self, src: Path) -> None:
        self.src = Path(src)
        self.writer = PdfWriter(clone_from=PdfReader(self.src))
        self._doc_fonts: list[tuple[object, Font]] = []
        self._cache: dict[int, Font] = {}
        seen: set[int] = set()
        for page in self.writer.pages:
            fonts = page["/Resources"].get_object().get("/Font", {})
            fonts = fonts.get_object() if hasattr(fonts, "get_object") else fonts
            for name in sorted(fonts):
                ref = fonts.raw_get(name)
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
                self._cache[ref.idnum] = load_font(ref)
                self._doc_fonts.append((ref, self._cache[ref.idnum]))

    def page_text(self, page: int) -> PageText:
        """The parsed page (1-based), as currently edited."""
        return parse_page(self.writer.pages[page - 1], self.writer, self._cache)

    # -- finding --

    def find(self, page: int, old: str, within: str | None = None, pt: PageText | None = None) -> list[Glyph]:
        """The glyphs of the one occurrence of `old` on the page (whitespace glyphs inside it included)."""
        pt = pt or self.page_text(page)
        vis = pt.visible()
        starts, pos = [], 0
        for g in vis:
            starts.append(pos)
            pos += len(g.char)
        text = pt.text()
        needle = _squash(within if within is not None else old)
        hits = [i for i in range(len(text)) if text.startswith(needle, i)] if needle else []
        if len(hits) != 1:
            near = [line for line in pt.lines() if needle and needle[:2] in line] or pt.lines()
            shown = "\n  ".join(near[:40])
            raise AssertionError(
                f"{needle!r} occurs {len(hits)} times on page {page} (must be exactly once); "
                f"page {page} lines{' with ' + repr(needle[:2]) if near != pt.lines() else ''}:\n  {shown}"
            )
        start = hits[0]
        if within is not None:
            inner = _squash(old)
            found = [i for i in range(len(needle)) if needle.startswith(inner, i)]
            if len(found) != 1:
                raise AssertionError(f"{inner!r} occurs {len(found)} times in {needle!r} (must be exactly once)")
            start += found[0]
            needle = inner
        end = start + len(needle)
        if start not in starts or (end not in starts and end != len(text)):
            raise AssertionError(f"{needle!r} on page {page} starts or ends inside a multi-character glyph")
        first, last = starts.index(start), (starts.index(end) if end in starts else len(vis)) - 1
        lo, hi = pt.glyphs.index(vis[first]), pt.glyphs.index(vis[last])
        return pt.glyphs[lo : hi + 1]

    def _font_for(self, char: str, prefer: Font | None, page: int) -> tuple[str, Font, int]:
        pt_fonts = _fonts(self.writer.pages[page - 1], self._cache)
        ordered = ([(n, f) for n, f in pt_fonts.items() if prefer and f.key == prefer.key]) + sorted(pt_fonts.items())
        for name, font in ordered:
            code = font.code_for(char)
            if code is not None:
                return name, font, code
        for ref, font in self._doc_fonts:
            code = font.code_for(char)
            if code is not None:
                return self._add_font(page, ref, font), font, code
        raise AssertionError(
            f"no subset font of {self.src.name} has {char!r} (U+{ord(char):04X}); choose a wording without it"
        )

    def _add_font(self, page: int, ref: object, font: Font) -> str:
        """Give the page its own /Resources copy naming `font` (other pages keep theirs)."""
        pg = self.writer.pages[page - 1]
        res = DictionaryObject(pg["/Resources"].get_object())
        fonts = DictionaryObject(res.get("/Font", DictionaryObject()).get_object())
        name = next(f"/FE{i}" for i in range(1, 1000) if f"/FE{i}" not in fonts)
        fonts[NameObject(name)] = ref  # type: ignore[assignment]
        res[NameObject("/Font")] = fonts
        pg[NameObject("/Resources")] = res
        return name

    def add_unreadable_glyph(self, page: int, char: str = "?") -> str:
        """Make `char` drawable on the page although no subset font has it: returns the font resource name.

        The glyph is a code the smallest subset font does not contain (the viewer draws its empty .notdef), which a
        copy of that font's ToUnicode CMap reads as `char` with a digit's width: what an unreadable digit looks like
        to a text extractor. Only this page's resources name the copy.
        """
        ref, font = min(self._doc_fonts, key=lambda rf: len(rf[1].to_unicode))
        code = max(font.to_unicode) + 1
        obj = ref.get_object()  # type: ignore[attr-defined]
        clone = DictionaryObject({k: v for k, v in obj.items() if k not in ("/ToUnicode", "/Widths", "/LastChar")})
        first = int(obj.get("/FirstChar", 0))
        widths = [font.width(c) for c in range(first, code)] + [1000.0]  # the .notdef box is one em wide
        clone[NameObject("/Widths")] = ArrayObject(FloatObject(w) for w in widths)
        clone[NameObject("/LastChar")] = NumberObject(code)
        cmap = obj["/ToUnicode"].get_object().get_data()
        extra = f"1 beginbfchar\n<{code:02X}> <{char.encode('utf-16-be').hex().upper()}>\nendbfchar\n".encode()
        stream = DecodedStreamObject()
        stream.set_data(cmap.replace(b"endcmap", extra + b"endcmap", 1))
        clone[NameObject("/ToUnicode")] = self.writer._add_object(stream)
        new_ref = self.writer._add_object(clone)
        return self._add_font(page, new_ref, load_font(new_ref))

    # -- rewriting --

    def _rewrite(self, page: int, pt: PageText, blank: Iterable[Glyph], draw: Sequence[tuple[str, float, Matrix, int]]):
        """Blank `blank` glyphs in place; draw (font name, size, page matrix, code) glyphs after the last's block."""
        blank = list(blank)
        by_op: dict[int, set[tuple[int, int]]] = {}
        for g in blank:
            by_op.setdefault(g.op_index, set()).add((g.item, g.byte))
        adv = {(g.op_index, g.item, g.byte): g for g in blank}
        insert_after = pt.et_index[blank[-1].op_index] if draw else -1
        out: list[tuple[list, bytes]] = []
        for idx, (operands, op) in enumerate(pt.operations):
            if idx in by_op:
                parts = list(operands[0]) if op == b"TJ" else [operands[-1]]
                arr = ArrayObject()
                for item, part in enumerate(parts):
                    if not hasattr(part, "original_bytes") and not isinstance(part, (str, bytes)):
                        arr.append(part)
                        continue
                    run = b""
                    for i, code in enumerate(bytes(part.original_bytes)):
                        g = adv.get((idx, item, i))
                        if g is None:
                            run += bytes([code])
                            continue
                        if run:
                            arr.append(_Bytes(run))
                            run = b""
                        arr.append(FloatObject(round(-g.advance * 1000 / (g.size * g.h_scale), 3)))
                    if run:
                        arr.append(_Bytes(run))
                if op == b'"':
                    out += [([operands[0]], b"Tw"), ([operands[1]], b"Tc")]
                if op in (b"'", b'"'):
                    out.append(([], b"T*"))
                out.append(([arr], b"TJ"))
            else:
                out.append((operands, op))
            if idx == insert_after:
                inv = _inverse(pt.ctm_at[idx])
                out += [([], b"q"), ([], b"BT"), ([NumberObject(0)], b"Ts")]
                current: tuple[str, float] | None = None
                for name, size, matrix, code in draw:
                    if current != (name, size):
                        out.append(([NameObject(name), FloatObject(size)], b"Tf"))
                        current = (name, size)
                    out.append(([FloatObject(round(v, 4)) for v in _mul(matrix, inv)], b"Tm"))
                    out.append(([_Bytes(bytes([code]))], b"Tj"))
                out += [([], b"ET"), ([], b"Q")]
        content = ContentStream(None, self.writer)
        content.operations = out
        self.writer.pages[page - 1].replace_contents(content)

    def replace(self, edit: Edit) -> None:
        """Apply one Edit (see its docstring)."""
        pt = self.page_text(edit.page)
        old = self.find(edit.page, edit.old, edit.within, pt)
        old_vis = [g for g in old if g.char.strip()]
        chars = list(edit.new)
        fonts = [f for _, f in self._doc_fonts] + list(_fonts(self.writer.pages[edit.page - 1], self._cache).values())
        missing = sorted({ch for ch in chars if ch.strip() and all(f.code_for(ch) is None for f in fonts)})
        if missing:
            names = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
            raise AssertionError(
                f"no subset font of {self.src.name} has {names}, needed for {edit.new!r}: choose a wording without it"
            )
        picks: list[tuple[str, Font, int] | None] = []
        for i, ch in enumerate(chars):
            prefer = old_vis[i].font if len(chars) == len(old_vis) else old_vis[0].font
            picks.append(None if not ch.strip() else self._font_for(ch, prefer, edit.page))
        draw: list[tuple[str, float, Matrix, int]] = []
        same_widths = len(chars) == len(old_vis) and all(
            p is not None and abs(p[1].width(p[2]) - g.font.width(g.code)) < 1
            for p, g in zip(picks, old_vis, strict=True)
        )
        if same_widths:
            for p, g in zip(picks, old_vis, strict=True):
                assert p is not None
                draw.append((p[0], g.size, g.matrix, p[2]))
        else:
            base = old_vis[0]
            if chars and any(abs(g.y - base.y) > 0.5 or g.size != base.size for g in old_vis):
                raise AssertionError(f"{edit.old!r} on page {edit.page} spans lines or sizes: give an equal-width new")
            a = base.matrix[0] or 1.0
            old_w = (old_vis[-1].x - base.x) / a + old_vis[-1].advance
            steps: list[float] = []
            for p in picks:
                w = base.size * 0.25 if p is None else p[1].width(p[2]) / 1000 * base.size
                steps.append((w + base.char_spacing) * base.h_scale)
            shift = {"left": 0.0, "center": (old_w - sum(steps)) / 2, "right": old_w - sum(steps)}[edit.align]
            dx = shift
            for p, step in zip(picks, steps, strict=True):
                if p is not None:
                    draw.append((p[0], base.size, _mul(_translate(dx, 0), base.matrix), p[2]))
                dx += step
        self._rewrite(edit.page, pt, old, draw)

    def remove(self, page: int, bbox: BBox) -> list[Glyph]:
        """Blank every glyph whose box centre lies in bbox (pdfplumber x0, top, x1, bottom); returns them."""
        pt = self.page_text(page)
        x0, top, x1, bottom = bbox
        gone = [g for g in pt.glyphs if x0 <= g.center[0] <= x1 and top <= g.center[1] <= bottom]
        if not any(g.char.strip() for g in gone):
            raise AssertionError(f"no glyph inside {bbox} on page {page}")
        self._rewrite(page, pt, gone, [])
        return gone

    def save(self, dst: Path) -> Path:
        dst = Path(dst)
        with dst.open("wb") as fh:
            self.writer.write(fh)
        return dst


def page_glyphs(pdf: Path, page: int) -> list[Glyph]:
    """Every glyph shown on 1-based `page` of a PDF file, decoded and positioned, in content-stream order."""
    reader = PdfReader(pdf)
    return parse_page(reader.pages[page - 1], reader).glyphs


def replace_text(src: Path, dst: Path, edits: Sequence[Edit]) -> Path:
    """Write src with every Edit applied in order (each sees the previous ones) to dst."""
    editor = DeckEditor(src)
    for edit in edits:
        editor.replace(edit)
    return editor.save(dst)


def remove_text(src: Path, dst: Path, page: int, bbox: BBox) -> Path:
    """Write src with every glyph inside bbox (pdfplumber coordinates) on 1-based page blanked to dst."""
    editor = DeckEditor(src)
    editor.remove(page, bbox)
    return editor.save(dst)


# --- finding with pdfplumber -----------------------------------------------------------------------------------------


def find_text_bbox(pdf: Path, page: int, text: str) -> BBox:
    """The bbox (x0, top, x1, bottom) of the one occurrence of `text` (spaces ignored) among the page's chars."""
    with pdfplumber.open(pdf) as doc:
        chars = [c for c in doc.pages[page - 1].chars if c["text"].strip()]
    joined, needle = "".join(c["text"] for c in chars), _squash(text)
    hits = [i for i in range(len(joined)) if joined.startswith(needle, i)]
    if len(hits) != 1:
        raise AssertionError(f"{needle!r} occurs {len(hits)} times among page {page}'s chars (must be once)")
    span = chars[hits[0] : hits[0] + len(needle)]
    return (
        min(c["x0"] for c in span),
        min(c["top"] for c in span),
        max(c["x1"] for c in span),
        max(c["bottom"] for c in span),
    )


def table_row_bbox(pdf: Path, page: int, cell_text: str) -> BBox:
    """The band (table's x0, row top, table's x1, row bottom) of the table row with a cell reading `cell_text`."""
    found: list[BBox] = []
    with pdfplumber.open(pdf) as doc:
        for table in doc.pages[page - 1].find_tables():
            for row, texts in zip(table.rows, table.extract(), strict=True):
                if any(t is not None and _squash(t) == _squash(cell_text) for t in texts):
                    cells = [c for c in row.cells if c is not None]
                    found.append((table.bbox[0], min(c[1] for c in cells), table.bbox[2], max(c[3] for c in cells)))
    if len(found) != 1:
        raise AssertionError(f"{len(found)} table rows on page {page} have a cell reading {cell_text!r} (must be one)")
    return found[0]


# --- ready-made editions ---------------------------------------------------------------------------------------------
# Each change: kind (cell | text | header | remove_row), page (1-based), old and new visible strings (spaces dropped),
# why; optionally within (a longer unique string holding old, when old alone repeats) and align (for a cell).

Change = dict[str, object]


def _budget_page(page: int, amounts: list[tuple[str, str, str]], body: bool) -> list[Change]:
    changes: list[Change] = [
        {"kind": "header", "page": page, "old": "17年度予算", "new": "18年度予算", "why": "the budget year moves on"},
        {
            "kind": "header",
            "page": page,
            "old": "(16年度予算)",
            "new": "(17年度予算)",
            "why": "so does the year before",
        },
    ]
    if body:
        changes.append(
            {"kind": "text", "page": page, "old": "平成17年度", "new": "平成18年度", "why": "body text year"}
        )
    for old, new, why in amounts:
        changes.append({"kind": "cell", "page": page, "old": old, "new": new, "why": why, "align": "center"})
    return changes


NEXT_FISCAL_YEAR: list[Change] = [
    *_budget_page(
        10,
        [
            ("568億円", "575億円", "関連施策 total, new current year (first, so (568億円) below stays unique)"),
            ("(490億円)", "(568億円)", "関連施策 total: previous year = old current year"),
            ("20.1億円", "22.4億円", "ネットワーク形成事業, new current year"),
            ("(6.8億円)", "(20.1億円)", "ネットワーク形成事業: previous year = old current year (one glyph longer)"),
            ("5.2億円", "6.0億円", "産学官ネットワーク形成事業, new current year"),
        ],
        body=True,
    ),
    {
        "kind": "cell",
        "page": 10,
        "old": "(新規)",
        "new": "(5.2億円)",
        "within": "6.0億円(新規)",
        "align": "center",
        "why": "産学官ネットワーク形成事業 is no longer new: previous year = old current year",
    },
    *_budget_page(
        11,
        [
            ("137.2億円", "141.6億円", "地域新生コンソーシアム, new current year"),
            ("(114.2億円)", "(137.2億円)", "地域新生コンソーシアム: previous year = old current year"),
            ("64.1億円", "66.0億円", "地域新規産業創造技術開発費, new current year"),
            ("(61.3億円)", "(64.1億円)", "地域新規産業創造技術開発費: previous year = old current year"),
        ],
        body=True,
    ),
    *_budget_page(
        12,
        [
            ("1.3億円", "1.5億円", "インキュベーション・マネージャー, new current year"),
            ("(0.8億円)", "(1.3億円)", "インキュベーション・マネージャー: previous year = old current year"),
        ],
        body=False,
    ),
]

ROW_REMOVED: list[Change] = [
    {
        "kind": "remove_row",
        "page": 4,
        "old": "フランス",
        "new": None,
        "why": "フランス has one row (ソフィア・アンティボリス) on page 4: blanking it drops the country",
    }
]

NEW_PHRASING: list[Change] = [
    {
        "kind": "cell",
        "page": 3,
        "old": "—",
        "new": "域内に約40社が入居",
        "why": "北東イングランド's 主要企業・ベンチャー cell: a 社 count between words the deck never uses",
    },
    {
        "kind": "text",
        "page": 13,
        "old": "連携事例の成立",
        "new": "共同開発の実現",
        "why": "TAMA's '40件以上' now counts 共同開発の実現, a counter context the deck never uses",
    },
]

GARBLED: list[Change] = [
    {
        "kind": "cell",
        "page": 10,
        "old": "20.1億円",
        "new": "2?.1億円",
        "align": "center",
        "why": "a digit of ネットワーク形成事業's budget is unreadable where a number must be",
    }
]


def edits_of(changes: Sequence[Change]) -> list[Edit]:
    """The Edits of a change list's cell/text/header entries."""
    return [
        Edit(
            page=int(c["page"]),  # type: ignore[call-overload]
            old=str(c["old"]),
            new=str(c["new"]),
            align=c.get("align", "left"),  # type: ignore[arg-type]
            within=c.get("within"),  # type: ignore[arg-type]
        )
        for c in changes
        if c["kind"] != "remove_row"
    ]


def _write(src: Path, dst: Path, changes: Sequence[Change]) -> Path:
    editor = DeckEditor(src)
    for c in changes:
        if c["kind"] == "remove_row":
            editor.remove(int(c["page"]), table_row_bbox(src, int(c["page"]), str(c["old"])))  # type: ignore[call-overload]
        else:
            editor.replace(*edits_of([c]))
    return editor.save(dst)


def write_next_fiscal_year(src: Path, dst: Path) -> Path:
    """The deck as next fiscal year's edition: budget slides 10-12 say 18年度予算 (17年度予算), see NEXT_FISCAL_YEAR."""
    return _write(src, dst, NEXT_FISCAL_YEAR)


def write_row_removed(src: Path, dst: Path) -> Path:
    """The deck with page 4's フランス row blanked (the ruled band stays, empty)."""
    return _write(src, dst, ROW_REMOVED)


def write_new_phrasing(src: Path, dst: Path) -> Path:
    """The deck with two counts worded in ways the bundled deck never uses, see NEW_PHRASING."""
    return _write(src, dst, NEW_PHRASING)


def write_garbled(src: Path, dst: Path) -> Path:
    """The deck with page 10's 20.1億円 printed as 2?.1億円 (no subset font has '?': see add_unreadable_glyph)."""
    editor = DeckEditor(src)
    editor.add_unreadable_glyph(10, "?")
    for edit in edits_of(GARBLED):
        editor.replace(edit)
    return editor.save(dst)


EDITIONS = {
    "next_fiscal_year": (write_next_fiscal_year, NEXT_FISCAL_YEAR),
    "row_removed": (write_row_removed, ROW_REMOVED),
    "new_phrasing": (write_new_phrasing, NEW_PHRASING),
    "garbled": (write_garbled, GARBLED),
}


# --- copies printed without rules ------------------------------------------------------------------------------------

_PAINT = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
_PATH = {b"m", b"l", b"c", b"v", b"y", b"h", b"re"}
RuleStyle = Literal["borderless", "open"]


def _horizontal_only(path: list[tuple[list, bytes]]) -> bool:
    """True when a stroked path is made of horizontal segments only (an open-style rule)."""
    y: float | None = None
    for operands, op in path:
        if op == b"m":
            y = float(operands[1])
        elif op == b"l":
            if y is None or abs(float(operands[1]) - y) > 0.01:
                return False
        elif op == b"h":
            continue
        else:
            return False
    return y is not None


def strip_rules(src: Path, dst: Path, style: RuleStyle = "borderless") -> Path:
    """Write src to dst with its path painting removed: every rule and fill ('borderless'), or every fill and every
    stroke but horizontal lines ('open'). A removed painting operator becomes ``n`` (end the path unpainted), so
    clipping paths and the text are untouched."""
    writer = PdfWriter(clone_from=PdfReader(Path(src)))
    for page in writer.pages:
        content = ContentStream(page.get_contents(), writer)
        out: list[tuple[list, bytes]] = []
        path: list[tuple[list, bytes]] = []
        for operands, op in content.operations:
            if op in _PATH:
                path.append((operands, op))
            elif op in _PAINT:
                keep = style == "open" and op in (b"S", b"s") and _horizontal_only(path)
                op = op if keep else b"n"
                path = []
            elif op == b"n":
                path = []
            out.append((operands, op))
        content.operations = out
        page.replace_contents(content)
    with Path(dst).open("wb") as fh:
        writer.write(fh)
    return Path(dst)
