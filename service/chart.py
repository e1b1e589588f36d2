"""A grouped bar chart as plain SVG: figures by place (groups) and period (bars).

Rendered on the server so the page needs no chart library, no CDN and no build step, and so the
same URL works in a browser, an <img>, a report or ``curl``. Every text node is XML-escaped: place
names come from the archive, which comes from the web.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape

PALETTE = ("#c0392b", "#2471a3", "#229954", "#d68910", "#7d3c98", "#17a589", "#a04000", "#566573")
KIND_LABELS = {
    "new_members": "Kết nạp đảng viên mới",
    "transfers": "Chuyển đảng chính thức",
    "badges": "Trao Huy hiệu Đảng",
    "party_members_total": "Tổng số đảng viên",
    "party_orgs_total": "Tổng số tổ chức đảng",
    "candidates_trained": "Quần chúng được bồi dưỡng",
}


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 x 10^n)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def bar_chart(rows: Iterable[Mapping[str, object]], *, group_key: str, series_key: str,
              value_key: str = "total", title: str = "", max_groups: int = 30) -> str:
    """SVG for ``rows`` like ``{"district": "Gia Bình", "year": "2023", "total": 89}``."""
    data: dict[str, dict[str, float]] = {}
    series: list[str] = []
    for row in rows:
        group = str(row.get(group_key) or "(không rõ)")
        key = str(row.get(series_key) or "(không rõ)")
        try:
            value = float(row.get(value_key) or 0)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        data.setdefault(group, {})
        data[group][key] = data[group].get(key, 0) + value
        if key not in series:
            series.append(key)
    series.sort()
    groups = sorted(data, key=lambda g: -sum(data[g].values()))[:max_groups]

    # Each group draws only the periods it has (colour still says which), so sparse data over many
    # years stays compact instead of leaving a gap for every missing year.
    bar_w = 16
    widths = [len(data[g]) * (bar_w + 2) + 22 for g in groups]
    legend_w = 80 + sum(20 + 8 * len(k) for k in series)
    width = max(420, 68 + sum(widths) + 20, legend_w)
    height, top, left, bottom = 380, 56, 56, 100
    plot_h = height - top - bottom
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="12">',
           f"<title>{escape(title)}</title>",
           f'<rect width="{width}" height="{height}" fill="#fff"/>',
           f'<text x="{left}" y="22" font-size="15" font-weight="bold">{escape(title)}</text>']
    if not groups:
        out.append(f'<text x="{left}" y="{top + plot_h / 2}" fill="#666">Không có số liệu phù hợp</text></svg>')
        return "\n".join(out)

    vmax = _nice_max(max(v for g in groups for v in data[g].values()))
    for i in range(5):  # horizontal grid with labels
        v = vmax * i / 4
        y = top + plot_h - plot_h * i / 4
        out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#444">{v:g}</text>')

    x = left + 12
    for group in groups:
        gx = x
        for s_i, key in enumerate(series):
            value = data[group].get(key)
            if value is not None:
                h = plot_h * value / vmax
                y = top + plot_h - h
                color = PALETTE[s_i % len(PALETTE)]
                out.append(f'<rect class="bar" x="{x}" y="{y:.1f}" width="{bar_w}" height="{h:.1f}" fill="{color}">'
                           f"<title>{escape(group)} · {escape(key)}: {value:g}</title></rect>")
                out.append(f'<text x="{x + bar_w / 2}" y="{y - 3:.1f}" text-anchor="middle" font-size="10">'
                           f"{value:g}</text>")
                x += bar_w + 2
        cx = (gx + x) / 2
        out.append(f'<text x="{cx:.1f}" y="{top + plot_h + 14}" text-anchor="end" '
                   f'transform="rotate(-35 {cx:.1f} {top + plot_h + 14})">{escape(group)}</text>')
        x += 22
    out.append(f'<line x1="{left}" x2="{width - 10}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333"/>')
    lx = left
    for s_i, key in enumerate(series):  # legend
        out.append(f'<rect x="{lx}" y="31" width="10" height="10" fill="{PALETTE[s_i % len(PALETTE)]}"/>')
        out.append(f'<text x="{lx + 14}" y="40">{escape(key)}</text>')
        lx += 20 + 8 * len(key)
    out.append("</svg>")
    return "\n".join(out)
