"""A line chart as inline SVG with a title and a text description (read by screen readers);
the page always shows the same numbers in a data table beside it."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 260, 64, 16, 16, 40
LINE = "#1f4e79"  # 8.9:1 on white
TARGET = "#8a3b00"  # 7.0:1 on white
MIN_W = 440  # narrower screens scroll the chart sideways: its 14-unit text stays ≥ 11 px


def line_svg(
    uid: str,
    title: str,
    points: list[tuple[str, float]],
    unit: str,
    target: float | None = None,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
) -> str:
    """``points`` are (period label, value) in time order; ``fmt`` writes a value as the
    page's table does (the same rounding on the axis as in the table)."""
    if not points:
        return ""
    values = [v for _, v in points] + ([target] if target is not None else [])
    lo, hi = min(values), max(values)
    if hi == lo:
        hi, lo = hi + 1, lo - 1
    lo = min(lo, 0) if lo >= 0 and lo < hi * 0.5 else lo

    def x(i: int) -> float:
        n = max(len(points) - 1, 1)
        return PAD_L + i * (W - PAD_L - PAD_R) / n

    def y(v: float) -> float:
        return PAD_T + (hi - v) * (H - PAD_T - PAD_B) / (hi - lo)

    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points)
    )
    first, last = points[0], points[-1]
    desc = f"从{first[0]}的{fmt(first[1])}{unit}到{last[0]}的{fmt(last[1])}{unit}，共{len(points)}个数据点"
    if target is not None:
        desc += f"；目标值{fmt(target)}{unit}（虚线）"
    parts = [
        f'<svg role="img" aria-labelledby="{uid}-t {uid}-d" viewBox="0 0 {W} {H}" '
        f'width="100%" style="max-width:{W}px;min-width:{MIN_W}px" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>',
        f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" stroke="#595959"/>',
        f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}" stroke="#595959"/>',
        f'<text x="{PAD_L - 6}" y="{y(hi) + 4:.1f}" text-anchor="end" font-size="14" fill="#333">{fmt(hi)}</text>',
        f'<text x="{PAD_L - 6}" y="{y(lo) + 4:.1f}" text-anchor="end" font-size="14" fill="#333">{fmt(lo)}</text>',
        f'<text x="{x(0):.1f}" y="{H - PAD_B + 18}" font-size="14" fill="#333">{escape(first[0])}</text>',
        f'<text x="{x(len(points) - 1):.1f}" y="{H - PAD_B + 18}" text-anchor="end" font-size="14" fill="#333">{escape(last[0])}</text>',
    ]
    if target is not None:
        parts.append(
            f'<line x1="{PAD_L}" y1="{y(target):.1f}" x2="{W - PAD_R}" y2="{y(target):.1f}" '
            f'stroke="{TARGET}" stroke-dasharray="6 4" stroke-width="2"/>'
        )
    parts.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    for i, (_, v) in enumerate(points):
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{LINE}"/>')
    parts.append("</svg>")
    return "".join(parts)
