"""The uploaded bytes: size and zip-bomb checks, sha256, and keeping every file.

Every upload is kept under ``uploads_dir`` by its sha256 (``ab/abcdef….xlsx``) with a JSON
sidecar listing each attempt (name, user, time, outcome), rejected files too. A file over
the size limit is not kept (only its sidecar), so the limit also bounds the disk used.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
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


def check_zip(data: bytes, name: str) -> None:
    """Refuse archives that unpack too large or too well (a zip bomb disguised as .xlsx).

    The declared sizes are checked first; then every member is inflated in chunks, stopping
    at the limit, because a crafted archive can declare false sizes.
    """
    bomb = FileRejected(
        "zip_bomb",
        f"文件 {name} 解压后过大（上限 {mb(MAX_UNZIPPED_BYTES)}，压缩比上限 {MAX_ZIP_RATIO}），"
        "疑似压缩炸弹，已拒收。请上传由模板填写的正常 Excel 文件。",
    )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_a_table(name) from None
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNZIPPED_BYTES or _too_dense(declared, len(data)):
        raise bomb
    total = 0
    try:
        for info in infos:
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_UNZIPPED_BYTES or _too_dense(total, len(data)):
                        raise bomb
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        raise not_a_table(name) from None
    except RuntimeError:  # encrypted member
        raise FileRejected(
            "not_table", f"文件 {name} 设有密码保护，无法读取。请取消密码后重新上传。"
        ) from None


def _too_dense(unzipped: int, zipped: int) -> bool:
    return unzipped > _RATIO_FLOOR and unzipped > MAX_ZIP_RATIO * max(zipped, 1)


def column_index(letters: bytes) -> int:
    """b"A" → 1, b"AA" → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_extent(data: bytes, name: str) -> None:
    """Refuse a sheet whose used range is huge (a stray cell at XFD1048576 in a tiny file):
    the Excel reader allocates the whole range and would exhaust memory."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    for info in zf.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        xml = zf.read(info)
        rows = max((int(r) for r in _ROW_REF.findall(xml)), default=0)
        cols = max((column_index(c) for c in set(_WIDE_CELL.findall(xml))), default=26)
        cells = xml.count(b"<c ") + xml.count(b":c ")
        sparse = rows * cols > 1_000_000 and rows * cols > 50 * max(cells, 1)
        if cols > MAX_COLUMNS or rows * cols > MAX_CELLS or sparse:
            raise FileRejected(
                "not_table",
                f"文件 {name} 中工作表的使用范围过大（约 {rows:,} 行 × {cols:,} 列），"
                "可能含有远处的空白格式或单元格。请只保留填报表（删除多余的行列）后另存再上传。",
            )


def not_a_table(name: str) -> FileRejected:
    return FileRejected(
        "not_table",
        f"文件 {name} 不是可读取的表格（既不是 .xlsx 也不是 CSV 文本）。"
        "请用 Excel 另存为 .xlsx 或 CSV（UTF-8）后重新上传；不支持 .xls、PDF、图片。",
    )


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
