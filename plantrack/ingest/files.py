"""The uploaded bytes: size and zip-bomb checks, sha256, and keeping files.

A file that was loaded is kept under ``uploads_dir`` by its sha256 (``ab/abcdef….xlsx``)
with a JSON sidecar listing each attempt (name, user, time, outcome). A file that was
refused or could not be read is kept under ``uploads_dir/refused/`` for support, for
``keep_refused_days`` and within ``keep_refused_mb`` in total (:func:`cleanup`, run after
each refused file and by ``python -m plantrack cleanup``). A file that is only checked is
not written at all; a file over the size limit never is (only its sidecar).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
_RATIO_FLOOR = 1024 * 1024  # tiny archives may compress well; only larger ones are suspect
KNOWN_SUFFIXES = (".xlsx", ".csv")
MAX_COLUMNS = 2_000
MAX_CELLS = 20_000_000  # rows × columns of a sheet's used range, as the reader allocates it
# literal prefixes keep these scans fast (≈ 0.05 s for a 100k-row sheet)
_ROW_REF = re.compile(rb'row [^>]*?r="(\d+)"')  # <row …> or <x:row …>
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,3})\d')  # cells in column AA or beyond


class FileRejected(Exception):
    """The file cannot be read as a table; ``code`` says why, the message is for the user."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_size(size: int, name: str, limit: int) -> None:
    if size == 0:
        raise FileRejected("empty", f"文件 {name} 是空的（0 字节）。请选择填好数据的文件重新上传。")
    if size > limit:
        raise FileRejected(
            "too_large",
            f"文件 {name} 大小 {size / 1024 / 1024:.1f} MB，超过上传上限 {mb(limit)}。"
            "请删除无关的工作表、图片或格式后重试，或把数据分成几个文件上传。",
        )


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")


def is_encrypted_ooxml(data: bytes) -> bool:
    """A password-protected .xlsx is an OLE file with an ``EncryptionInfo`` stream."""
    return data[:8] == OLE_MAGIC and _ENCRYPTED in data[: 1 << 20]


@dataclass
class XlsxInfo:
    """What one streamed pass over an .xlsx found besides its cells (calamine reads those)."""

    sheets: dict[str, str] = field(default_factory=dict)  # sheet name → member path
    formulas: dict[str, set[str]] = field(default_factory=dict)  # member → cell refs
    errors: dict[str, dict[str, str]] = field(default_factory=dict)  # member → ref → #DIV/0!
    external_links: int = 0

    def for_sheet(self, sheet: str | None) -> tuple[set[str], dict[str, str]]:
        member = self.sheets.get(sheet or "", "")
        return self.formulas.get(member, set()), self.errors.get(member, {})


def _bomb(name: str) -> FileRejected:
    return FileRejected(
        "zip_bomb",
        f"文件 {name} 解压后过大（上限 {mb(MAX_UNZIPPED_BYTES)}，压缩比上限 {MAX_ZIP_RATIO}），"
        "疑似压缩炸弹，已拒收。请上传由模板填写的正常 Excel 文件。",
    )


def inspect_xlsx(data: bytes, name: str) -> XlsxInfo:
    """One pass over the archive, every member inflated in chunks under a running byte
    budget (never ``zf.read()`` of a whole member: a crafted central directory can lie about
    sizes). Refuses zip bombs and sheets whose used range is huge (a stray cell at
    XFD1048576: the Excel reader would allocate the whole range), and records formula cells,
    Excel error cells (``#DIV/0!``) and external links."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_a_table(name) from None
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNZIPPED_BYTES or _too_dense(declared, len(data)):
        raise _bomb(name)
    info = XlsxInfo()
    budget = [0]
    texts: dict[str, bytes] = {}
    try:
        for member in infos:
            fname = member.filename
            if fname.startswith("xl/externalLinks/") and fname.endswith(".xml"):
                info.external_links += 1
            is_sheet = fname.startswith("xl/worksheets/") and fname.endswith(".xml")
            if is_sheet:
                _scan_sheet(zf, member, data, name, budget, info)
            elif fname in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
                texts[fname] = b"".join(_chunks(zf, member, data, name, budget, 4 << 20))
            else:
                for _ in _chunks(zf, member, data, name, budget):
                    pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        raise not_a_table(name) from None
    except RuntimeError:  # encrypted member
        raise FileRejected(
            "encrypted", f"文件 {name} 设有密码保护，无法读取。请取消密码后重新上传。"
        ) from None
    info.sheets = _sheet_members(texts)
    return info


def _chunks(zf, member, data: bytes, name: str, budget: list[int], cap: int | None = None):
    with zf.open(member) as fh:
        got = 0
        while chunk := fh.read(1 << 20):
            budget[0] += len(chunk)
            got += len(chunk)
            if budget[0] > MAX_UNZIPPED_BYTES or _too_dense(budget[0], len(data)):
                raise _bomb(name)
            if cap is not None and got > cap:
                raise not_a_table(name)
            yield chunk


_ERR_CELL = re.compile(
    rb'<(?:\w+:)?c [^>]*?r="([A-Z]{1,3}\d+)"[^>]*?t="e"[^>]*>(?:(?!</(?:\w+:)?c>).){0,200}?<(?:\w+:)?v>([^<]*)<',
    re.S,
)
_ERR_CELL2 = re.compile(
    rb'<(?:\w+:)?c [^>]*?t="e"[^>]*?r="([A-Z]{1,3}\d+)"[^>]*>(?:(?!</(?:\w+:)?c>).){0,200}?<(?:\w+:)?v>([^<]*)<',
    re.S,
)
_FORMULA = re.compile(
    rb'<(?:\w+:)?c [^>]*?r="([A-Z]{1,3}\d+)"[^>]*>(?:(?!</(?:\w+:)?c>).){0,200}?<(?:\w+:)?f[ >/]',
    re.S,
)
_ROW_END = re.compile(rb"</(?:\w+:)?row>")


def _scan_sheet(zf, member, data: bytes, name: str, budget: list[int], info: XlsxInfo) -> None:
    rows = cols = cells = 0
    formulas: set[str] = set()
    errors: dict[str, str] = {}
    carry = b""
    for chunk in _chunks(zf, member, data, name, budget):
        buf = carry + chunk
        cut = buf.rfind(b"</row>")
        if cut < 0:
            cut = max(buf.rfind(b":row>"), -1)
        if cut < 0:
            if len(buf) > 32 << 20:  # one row of over 32 MB is not a table
                raise not_a_table(name)
            carry = buf
            continue
        cut = buf.index(b">", cut) + 1
        part, carry = buf[:cut], buf[cut:]
        r, c, n = _scan_part(part, formulas, errors)
        rows, cols, cells = max(rows, r), max(cols, c), cells + n
        _check_range(rows, cols, cells, name)
    r, c, n = _scan_part(carry, formulas, errors)
    rows, cols, cells = max(rows, r), max(cols, c), cells + n
    _check_range(rows, cols, cells, name)
    if formulas:
        info.formulas[member.filename] = formulas
    if errors:
        info.errors[member.filename] = errors


def _scan_part(part: bytes, formulas: set[str], errors: dict[str, str]) -> tuple[int, int, int]:
    rows = max((int(r) for r in _ROW_REF.findall(part)), default=0)
    cols = max((column_index(c) for c in set(_WIDE_CELL.findall(part))), default=26)
    cells = part.count(b"<c ") + part.count(b":c ")
    if b"<f" in part or b":f>" in part or b":f " in part:
        for ref in _FORMULA.findall(part):
            if len(formulas) < 100_000:
                formulas.add(ref.decode())
    if b't="e"' in part:
        for rx in (_ERR_CELL, _ERR_CELL2):
            for ref, val in rx.findall(part):
                if len(errors) < 100_000:
                    errors[ref.decode()] = val.decode("utf-8", "replace")[:20]
    return rows, cols, cells


def _check_range(rows: int, cols: int, cells: int, name: str) -> None:
    sparse = rows * cols > 1_000_000 and rows * cols > 50 * max(cells, 1)
    if cols > MAX_COLUMNS or rows * cols > MAX_CELLS or sparse:
        raise FileRejected(
            "not_table",
            f"文件 {name} 中工作表的使用范围过大（约 {rows:,} 行 × {cols:,} 列），"
            "可能含有远处的空白格式或单元格。请只保留填报表（删除多余的行列）后另存再上传。",
        )


_SHEET = re.compile(rb'<(?:\w+:)?sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_SHEET2 = re.compile(rb'<(?:\w+:)?sheet [^>]*?r:id="([^"]*)"[^>]*?name="([^"]*)"')
_REL = re.compile(rb'<Relationship [^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')
_REL2 = re.compile(rb'<Relationship [^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')


def _sheet_members(texts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → worksheet member path, from workbook.xml and its relationships."""
    import html

    book, rels = texts.get("xl/workbook.xml", b""), texts.get("xl/_rels/workbook.xml.rels", b"")
    targets = dict(_REL.findall(rels)) | {i: t for t, i in _REL2.findall(rels)}
    pairs = _SHEET.findall(book) + [(n, i) for i, n in _SHEET2.findall(book)]
    out: dict[str, str] = {}
    for sheet_name, rid in pairs:
        target = targets.get(rid, b"").decode("utf-8", "replace")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[html.unescape(sheet_name.decode("utf-8", "replace"))] = path
    return out


def _too_dense(unzipped: int, zipped: int) -> bool:
    return unzipped > _RATIO_FLOOR and unzipped > MAX_ZIP_RATIO * max(zipped, 1)


def column_index(letters: bytes) -> int:
    """b"A" → 1, b"AA" → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def not_a_table(name: str) -> FileRejected:
    return FileRejected(
        "not_table",
        f"文件 {name} 不是可读取的表格（既不是 .xlsx 也不是 CSV 文本）。"
        "请用 Excel 另存为 .xlsx 或 CSV（UTF-8）后重新上传；不支持 .xls、PDF、图片。",
    )


REFUSED = "refused"


def refused_dir(uploads_dir: Path) -> Path:
    return Path(uploads_dir) / REFUSED


def cleanup(
    uploads_dir: Path, days: float, max_mb: float, now: float | None = None
) -> tuple[int, int]:
    """Delete refused files older than ``days``, then the oldest until the rest fit in
    ``max_mb``. Returns (files removed, bytes freed). Loaded files are never touched."""
    import time as _time

    folder = refused_dir(uploads_dir)
    if not folder.is_dir():
        return 0, 0
    now = _time.time() if now is None else now
    entries = []
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            entries.append((st.st_mtime, st.st_size, path))
    entries.sort()
    removed = freed = 0
    total = sum(size for _, size, _ in entries)
    limit = max_mb * 1024 * 1024
    for mtime, size, path in entries:
        if now - mtime <= days * 86400 and total <= limit:
            continue
        try:
            path.unlink()
        except OSError:
            continue
        removed, freed, total = removed + 1, freed + size, total - size
    return removed, freed


def kept_path(uploads_dir: Path, digest: str, name: str) -> Path:
    suffix = Path(name).suffix.lower()
    suffix = suffix if suffix in KNOWN_SUFFIXES else ".bin"
    return Path(uploads_dir) / digest[:2] / f"{digest}{suffix}"


def keep(uploads_dir: Path, data: bytes | None, digest: str, name: str) -> Path:
    """Write the file (once) under its sha256; ``data`` None keeps only the sidecar."""
    path = kept_path(uploads_dir, digest, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if data is not None and not path.exists():
        _atomic_write(path, data)
    return path


def record_attempt(
    uploads_dir: Path, digest: str, name: str, size: int, user: str | None, outcome: str, **extra
) -> Path:
    """Append one attempt to the file's JSON sidecar (``<sha256>.json``)."""
    sidecar = Path(uploads_dir) / digest[:2] / f"{digest}.json"
    sidecar.parent.mkdir(parents=True, exist_ok=True)
    try:
        info = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {"sha256": digest, "size": size, "attempts": []}
    attempt = {"name": name, "user": user, "time": datetime.now().isoformat(timespec="seconds")}
    attempt.update(outcome=outcome, **extra)
    info.setdefault("attempts", []).append(attempt)
    _atomic_write(sidecar, json.dumps(info, ensure_ascii=False, indent=1).encode("utf-8"))
    return sidecar


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
