"""Which registry and which database to use.

The database is chosen by, in order: an explicit path or URL (``--db``), the ``PLANTRACK_DB``
environment variable, or ``db`` in a settings file (``plantrack.toml`` in the working
directory, or the file named by ``PLANTRACK_SETTINGS``). With none of these, PlanTrack opens
the demo database ``data/demo.duckdb``, generated on first use: demo and real data never
share a file. A ``postgresql://user:password@host:port/dbname`` URL instead of a path selects
PostgreSQL (plantrack/store/engine.py).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = ROOT / "indicators.yaml"
DEMO_DB = ROOT / "data" / "demo.duckdb"
UPLOADS = ROOT / "data" / "uploads"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # default; PLANTRACK_MAX_UPLOAD_MB / max_upload_mb
KEEP_REFUSED_DAYS = 30  # refused uploads kept this long (PLANTRACK_KEEP_REFUSED_DAYS) …
KEEP_REFUSED_MB = 200  # … and within this total (PLANTRACK_KEEP_REFUSED_MB)


@dataclass(frozen=True)
class Settings:
    config_path: Path
    db_path: Path
    demo: bool
    uploads_dir: Path
    db_url: str | None = None  # a PostgreSQL URL; then db_path only names it (no file)

    @property
    def database(self) -> str | Path:
        """What Store() opens: the PostgreSQL URL or the DuckDB file."""
        return self.db_url or self.db_path

    @property
    def source(self) -> str:
        if self.demo:
            return "示例数据库（模拟数据）"
        return f"数据库 {redact(self.db_url) if self.db_url else self.db_path}"


def redact(url: str) -> str:
    """A database URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def settings_file() -> dict:
    """The settings file's contents (plantrack.toml or PLANTRACK_SETTINGS), or {}."""
    return _settings_file()


def _settings_file() -> dict:
    path = Path(os.environ.get("PLANTRACK_SETTINGS", "plantrack.toml"))
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def report_settings() -> dict:
    """The ``[report]`` table of the settings file (``issuer`` = 编制单位 of reports)."""
    section = _settings_file().get("report", {})
    return section if isinstance(section, dict) else {}


def resolve(db: str | Path | None = None, config: str | Path | None = None) -> Settings:
    """Settings from arguments, the environment and the settings file, in that order."""
    file = _settings_file()
    chosen = db or os.environ.get("PLANTRACK_DB") or file.get("db")
    cfg = Path(config or os.environ.get("PLANTRACK_CONFIG") or file.get("config") or DEFAULT_CONFIG)
    uploads = Path(os.environ.get("PLANTRACK_UPLOADS") or file.get("uploads") or UPLOADS)
    if chosen and str(chosen).startswith(("postgresql://", "postgres://")):
        url = str(chosen)
        return Settings(cfg, Path(redact(url)), demo=False, uploads_dir=uploads, db_url=url)
    if chosen:
        return Settings(cfg, Path(chosen), demo=False, uploads_dir=uploads)
    return Settings(cfg, DEMO_DB, demo=True, uploads_dir=uploads)


def _number(env: str, key: str, default: float) -> float:
    raw = os.environ.get(env)
    if raw is None:
        raw = _settings_file().get(key)
    try:
        value = float(raw) if raw is not None and str(raw).strip() != "" else default
    except ValueError:
        return default
    return value if value > 0 else default


def max_upload_bytes() -> int:
    """The upload size cap: ``PLANTRACK_MAX_UPLOAD_MB``, ``max_upload_mb`` in plantrack.toml,
    or 50 MB. Files above it are refused before they are read."""
    return int(
        _number("PLANTRACK_MAX_UPLOAD_MB", "max_upload_mb", MAX_UPLOAD_BYTES / 2**20) * 2**20
    )


def keep_refused() -> tuple[float, float]:
    """(days, MB): how long and how much of refused uploads are kept for support."""
    days = _number("PLANTRACK_KEEP_REFUSED_DAYS", "keep_refused_days", KEEP_REFUSED_DAYS)
    return days, _number("PLANTRACK_KEEP_REFUSED_MB", "keep_refused_mb", KEEP_REFUSED_MB)
