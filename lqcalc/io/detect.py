"""Recognize the layout of a statistical extract (NBS portal CSV/Excel, yearbook table).

Layouts:

``nbs-classic``
    NBS portal CSV (GBK/GB18030): metadata lines ``数据库：`` / ``指标：name(unit)`` /
    ``时间：``, header ``地区,2024年,2023年,…``, regions as rows; footnotes ``注：…`` and
    ``数据来源：…`` at the end. The portal's .xls export has the same cells.
``nbs-new``
    the new portal CSV: UTF-8 with BOM, fields padded with a TAB, a trailing empty column,
    no ``指标：`` line (the indicator comes from ``--indicator`` or the file name).
``nbs-regions-indicators``
    regions as rows, indicators (``name(unit)``) as columns, one year (``时间：2022年``).
``nbs-indicators-years``
    indicators as rows, years as columns, one region (``地区：北京市``).
``nbs-national``
    years as rows (``1978年``), indicators as columns, first header cell empty.
``yearbook``
    a yearbook table (Excel or CSV): title row with table number and year, unit row
    (``单位：万人``), one or more header rows (merged cells, Chinese over English), regions
    as rows (``全　国`` / ``National`` first), industries or years as columns, footnotes.
``long``
    anything else: a plain long table for :func:`lqcalc.io.long.read_long`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lqcalc.config import ReadOptions
from lqcalc.errors import UsageError
from lqcalc.io.grid import EXCEL_SUFFIXES, Grid, grid_from_bytes, read_grid
from lqcalc.units import split_name_unit

HEAD_BYTES = 256 * 1024
"""Bytes of a large CSV file looked at to decide its layout."""

LAYOUTS = ("long", "nbs-classic", "nbs-new", "nbs-regions-indicators", "nbs-indicators-years",
           "nbs-national", "yearbook")

_META_RE = re.compile(r"^(?P<key>数据库|指标|时间|地区|Database|Indicator|Indicators|Time|Region)\s*[：:]\s*(?P<val>.*)$")
_YEAR_RE = re.compile(r"^(?P<y>(18|19|20|21)\d{2})\s*年?(末|底)?$")
_FOOT_RE = re.compile(r"^(注|附注|备注|说明|数据来源|资料来源|来源|Note|Notes|Source|Sources)\s*\d*\s*[：:.．、]?", re.I)
_REGION_HEAD_RE = re.compile(r"^(地区|省份|地区名称|省市|省、市|省区市|区域|地区Region|Region|Province|Area|Regions?)$", re.I)
_INDICATOR_HEAD_RE = re.compile(r"^(指标|指标名称|Indicators?|Items?|项目)$", re.I)
_UNIT_ROW_RE = re.compile(r"(单位|计量单位|Unit)\s*[：:]\s*(?P<unit>[^()（）\s]+(?:/[^()（）\s]+)?)", re.I)
_TABLE_NO_RE = re.compile(r"^\s*(表\s*)?\d{1,2}\s*[-－—–]\s*\d{1,3}\s*")


def year_of(label: str) -> int | None:
    """The year of a header label (``2024年``, ``2024``, ``2023年末``), else None.

    >>> year_of("2024年"), year_of("2019"), year_of("地区")
    (2024, 2019, None)
    """
    s = str(label).strip()
    if re.fullmatch(r"\d{4}\.0", s):
        s = s[:-2]
    m = _YEAR_RE.match(s)
    return int(m.group("y")) if m else None


def is_footnote(first_cell: str) -> bool:
    """Whether a row starting with this cell opens the footnotes.

    >>> is_footnote("注：1.全国就业人员"), is_footnote("数据来源：国家统计局"), is_footnote("北京市")
    (True, True, False)
    """
    s = str(first_cell)
    return bool(_FOOT_RE.match(s.strip(" \t\u3000")))


@dataclass
class Detected:
    """What :func:`detect` understood about a file."""

    path: str
    layout: str
    encoding: str | None = None
    indicator: str | None = None
    unit: str | None = None
    years: list[int] = field(default_factory=list)
    region: str | None = None
    sheet: str | None = None
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    header_lines: list[int] = field(default_factory=list)
    footnote_lines: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # parse plan (not shown)
    grid: Grid | None = field(default=None, repr=False)
    header_rows: list[int] = field(default_factory=list, repr=False)
    data_rows: list[int] = field(default_factory=list, repr=False)
    label_cols: list[int] = field(default_factory=list, repr=False)
    value_cols: list[int] = field(default_factory=list, repr=False)
    col_labels: dict[int, str] = field(default_factory=dict, repr=False)

    def summary(self) -> dict:
        """Plain dict for printing and for the ``info`` of :func:`read_extract`."""
        return {
            "file": self.path, "layout": self.layout, "encoding": self.encoding, "sheet": self.sheet,
            "indicator": self.indicator, "unit": self.unit, "years": self.years, "region": self.region,
            "title": self.title, "footnote_lines": len(self.footnote_lines), "notes": list(self.notes),
        }


def _nonempty(row: list[str]) -> list[tuple[int, str]]:
    return [(j, c) for j, c in enumerate(row) if c != ""]


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", ""))
        return True
    except ValueError:
        return False


def _width(row: list[str]) -> int:
    nz = _nonempty(row)
    return nz[-1][0] + 1 if nz else 0


def _has_cjk(s: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", s))


def chinese_part(label: str) -> str:
    """The Chinese part of a bilingual header label, spaces removed.

    >>> chinese_part("合  计\\nTotal")
    '合计'
    >>> chinese_part("信息传输、软件和信息技术服务业 Information Transmission")
    '信息传输、软件和信息技术服务业'
    >>> chinese_part("Total")
    'Total'
    """
    s = str(label)
    if not _has_cjk(s):
        return re.sub(r"\s+", " ", s).strip()
    lines = [ln for ln in re.split(r"[\r\n]+", s) if _has_cjk(ln)]
    s = "".join(lines)
    s = re.sub(r"\s*[A-Za-z][A-Za-z ,.&'’\-()]*$", "", s)
    return re.sub(r"[\s\u3000]+", "", s)


def detect(path: str | Path, opts: ReadOptions | None = None) -> Detected:
    """Read ``path`` and work out its layout, metadata and parse plan.

    ``opts.layout`` forces a layout; ``opts.encoding`` the text encoding.
    """
    opts = opts or ReadOptions()
    if opts.layout and opts.layout not in LAYOUTS and opts.layout != "nbs":
        from lqcalc.errors import did_you_mean
        raise UsageError(f"unknown layout {opts.layout!r}",
                         hint=did_you_mean(opts.layout, LAYOUTS) or "layouts: " + ", ".join(LAYOUTS))
    p = Path(path)
    if p.is_file() and p.suffix.lower() not in EXCEL_SUFFIXES and p.stat().st_size > HEAD_BYTES:
        # a large file: decide on its head; only extract layouts are read in full
        with p.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
        cut = head.rfind(b"\n")
        head = head[: cut + 1] if cut > 0 else head
        det = analyze(grid_from_bytes(head, str(p), opts.encoding), opts)
        if det.layout == "long":
            det.notes.append(f"layout decided on the first {len(head):,} bytes")
            return det
    grid = read_grid(path, opts.encoding, opts.sheet)
    return analyze(grid, opts)


def analyze(grid: Grid, opts: ReadOptions | None = None) -> Detected:
    """Layout and parse plan of an already read :class:`Grid`."""
    opts = opts or ReadOptions()
    det = Detected(path=grid.path, layout="long", encoding=grid.encoding, sheet=grid.sheet, grid=grid)
    rows = grid.rows
    idx = [k for k, r in enumerate(rows) if _nonempty(r)]
    if not idx:
        det.notes.append("the file has no cells")
        return det
    forced = opts.layout
    # --- metadata lines at the top
    pos = 0
    while pos < len(idx):
        r = rows[idx[pos]]
        nz = _nonempty(r)
        m = _META_RE.match(nz[0][1]) if len(nz) == 1 and nz[0][0] == 0 else None
        if not m:
            break
        det.meta[m.group("key")] = m.group("val").strip()
        pos += 1
    if forced == "yearbook" or (forced is None and not det.meta and _looks_like_yearbook(grid, idx)):
        _plan_yearbook(det, grid, idx, opts)
        return det
    if pos >= len(idx):
        det.notes.append("no header row after the metadata lines")
        return det
    h = idx[pos]
    header = rows[h]
    first = re.sub(r"[\s\u3000]+", "", header[0]) if header else ""
    labels = {j: c for j, c in _nonempty(header) if j > 0}
    years = {j: year_of(c) for j, c in labels.items()}
    all_years = bool(labels) and all(y is not None for y in years.values())
    body = idx[pos + 1:]
    # footnotes: from the first footnote row on, nothing is data
    data, foot = [], []
    for k in body:
        if foot or is_footnote(rows[k][0] if rows[k] else ""):
            foot.append(k)
        elif len(_nonempty(rows[k])) == 1 and rows[k][0] == "" and not data:
            foot.append(k)
        else:
            data.append(k)
    det.header_rows = [h]
    det.header_lines = [grid.lines[h]]
    det.data_rows = data
    det.footnote_lines = [grid.lines[k] for k in foot]
    det.label_cols = [0]
    det.value_cols = sorted(labels)
    det.col_labels = labels
    ind_meta = det.meta.get("指标") or det.meta.get("Indicator") or det.meta.get("Indicators")
    if ind_meta:
        det.indicator, det.unit = split_name_unit(ind_meta)
    if opts.indicator:
        det.indicator, unit_from_opt = split_name_unit(opts.indicator)
        det.unit = unit_from_opt or det.unit
    if opts.unit:
        det.unit = opts.unit
    first_col_years = bool(data) and all(year_of(rows[k][0]) is not None for k in data)
    long_keys = {"行业", "行业代码", "行业名称", "年份", "年度"} & set(labels.values())   # 地区,行业,年份,…
    if forced is None and not det.meta and ((not _has_cjk(first) and first != "") or long_keys):
        return det  # an English header, or the keys of a long table, without portal metadata: a long table

    if forced in ("nbs-national",) or (forced is None and first == "" and first_col_years):
        det.layout = "nbs-national"
        det.years = sorted({year_of(rows[k][0]) for k in data})
        det.region = det.meta.get("地区") or "全国"
        return det
    if forced in ("nbs-indicators-years",) or (forced is None and _INDICATOR_HEAD_RE.match(first) and all_years):
        det.layout = "nbs-indicators-years"
        det.years = sorted(y for y in years.values() if y)
        det.region = det.meta.get("地区") or det.meta.get("Region")
        return det
    if forced in ("nbs-classic", "nbs-new", "nbs") or (forced is None and all_years and (_REGION_HEAD_RE.match(first) or first == "")):
        new = grid.tab_padded or (grid.bom and not ind_meta)
        det.layout = forced if forced in ("nbs-classic", "nbs-new") else ("nbs-new" if new else "nbs-classic")
        det.years = sorted(y for y in years.values() if y)
        if det.indicator is None:
            stem = Path(grid.path).stem
            name, unit = split_name_unit(stem)
            if unit and re.fullmatch(r"\d+", unit):
                name, unit = stem[: stem.rfind("(") if "(" in stem else len(stem)].strip(), None
            det.indicator = name
            det.unit = det.unit or unit
            det.notes.append(f"indicator taken from the file name: {name!r} (give --indicator to set it)")
        if det.unit is None:
            det.notes.append("no unit in the file: values kept as printed (give --unit, e.g. 亿元)")
        return det
    if forced in ("nbs-regions-indicators",) or (forced is None and _REGION_HEAD_RE.match(first) and labels):
        det.layout = "nbs-regions-indicators"
        t = det.meta.get("时间") or det.meta.get("Time") or ""
        m = re.search(r"((18|19|20|21)\d{2})", t)
        if m:
            det.years = [int(m.group(1))]
        elif opts.year:
            det.years = [opts.year]
        return det
    det.layout = "long"
    return det


def _looks_like_yearbook(grid: Grid, idx: list[int]) -> bool:
    rows = grid.rows
    for k in idx[:8]:
        nz = _nonempty(rows[k])
        text = " ".join(c for _, c in nz)
        if _UNIT_ROW_RE.search(text) and len(nz) <= 3:
            return True
        if len(nz) == 1 and _TABLE_NO_RE.match(nz[0][1]) and _has_cjk(nz[0][1]):
            return True
    # a Chinese title alone on the first row, a wider table below it
    first = _nonempty(rows[idx[0]])
    if len(first) == 1 and _has_cjk(first[0][1]) and len(idx) > 2 and len(_nonempty(rows[idx[1]])) > 1:
        return True
    return False


def _plan_yearbook(det: Detected, grid: Grid, idx: list[int], opts: ReadOptions) -> None:
    det.layout = "yearbook"
    rows = grid.rows
    pos = 0
    titles: list[str] = []
    # title / unit rows: few cells and no numbers
    while pos < len(idx):
        nz = _nonempty(rows[idx[pos]])
        text = " ".join(c for _, c in nz)
        mu = _UNIT_ROW_RE.search(text)
        if mu and len(nz) <= 3:
            det.unit = mu.group("unit")
            pos += 1
            continue
        if len(nz) <= 2 and not any(_is_number(c) for _, c in nz) and (pos == 0 or len(nz) == 1):
            titles.append(text)
            pos += 1
            continue
        break
    zh_titles = [t for t in titles if _has_cjk(t)]
    det.title = zh_titles[0] if zh_titles else (titles[0] if titles else None)
    if det.title:
        t = _TABLE_NO_RE.sub("", det.title)
        m = re.search(r"[（(]\s*((18|19|20|21)\d{2})\s*年?[^)）]*[)）]", t) or re.search(r"((18|19|20|21)\d{2})\s*年", t)
        if m:
            det.years = [int(m.group(1))]
        t = re.sub(r"[（(][^)）]*[)）]\s*$", "", t).strip()
        name, unit = split_name_unit(t)
        if unit and det.unit is None:
            det.unit = unit
        name = re.sub(r"^(各地区|分地区|按地区分|分省|各省|地区)", "", name)
        name = re.sub(r"^(按|分)(行业|门类|产业|国民经济行业)(分)?", "", name)
        name = re.sub(r"(分地区|按地区分)", "", name)
        det.indicator = name.strip() or None
    if opts.indicator:
        det.indicator, u = split_name_unit(opts.indicator)
        det.unit = u or det.unit
    if opts.unit:
        det.unit = opts.unit
    if opts.year and not det.years:
        det.years = [opts.year]
    # header rows: until the first row with a number in a value column
    body = idx[pos:]
    header_rows: list[int] = []
    data_start = len(body)
    for n, k in enumerate(body):
        r = rows[k]
        vals = [c for j, c in _nonempty(r) if j > 0]
        numeric = [c for c in vals if _is_number(c)]
        if numeric and not all(year_of(c) is not None for c in vals) and r and r[0] != "":
            data_start = n
            break
        header_rows.append(k)
    data, foot = [], []
    for k in body[data_start:]:
        if foot or is_footnote(rows[k][0] if rows[k] else ""):
            foot.append(k)
        else:
            data.append(k)
    det.header_rows = header_rows
    det.header_lines = [grid.lines[k] for k in header_rows]
    det.data_rows = data
    det.footnote_lines = [grid.lines[k] for k in foot]
    width = max((_width(rows[k]) for k in header_rows + data), default=0)
    # label columns: text in every data row (Chinese name, maybe an English name column)
    label_cols = [0]
    for j in range(1, width):
        cells = [rows[k][j] if j < len(rows[k]) else "" for k in data]
        filled = [c for c in cells if c != ""]
        if filled and not any(_is_number(c) for c in filled) and all(not _has_cjk(c) or j == 0 for c in filled):
            label_cols.append(j)
        else:
            break
    det.label_cols = label_cols
    # rebuild column labels: forward-fill merged spans in all header rows but the last
    filled_rows = []
    for n, k in enumerate(header_rows):
        r = list(rows[k]) + [""] * (width - len(rows[k]))
        if n < len(header_rows) - 1:
            last = ""
            for j in range(width):
                if j in label_cols:
                    last = ""
                    continue
                if r[j] != "":
                    last = r[j]
                else:
                    r[j] = last
        filled_rows.append(r)
    col_labels: dict[int, str] = {}
    years: list[int] = []
    for j in range(width):
        if j in label_cols:
            continue
        parts = [fr[j] for fr in filled_rows if fr[j] != ""]
        if not parts and not any(j < len(rows[k]) and rows[k][j] != "" for k in data):
            continue
        ys = [year_of(p) for p in parts if year_of(p) is not None]
        if ys:
            col_labels[j] = str(ys[-1])
            years.append(ys[-1])
            continue
        zh = [p for p in parts if _has_cjk(p)]
        label = chinese_part(zh[-1]) if zh else (chinese_part(parts[-1]) if parts else f"column {j + 1}")
        col_labels[j] = label
    det.col_labels = col_labels
    det.value_cols = sorted(col_labels)
    if years:
        det.years = sorted(set(years))
    if det.unit is None:
        det.notes.append("no unit row (单位：…) found: values kept as printed (give --unit)")
