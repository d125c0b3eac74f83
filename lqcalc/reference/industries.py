"""Industry classifications shipped with lqcalc and name -> code lookup.

Tables (sources in ``README.md`` of this folder):

* ``gbt4754_sections.csv``: GB/T 4754 sections of the 2002, 2011 and 2017 editions. The
  column ``code`` is the harmonized section letter of the 2017 edition, ``edition_code``
  the letter in the edition itself: the 2002 section G ``信息传输、计算机服务和软件业``
  and the 2017 section I ``信息传输、软件和信息技术服务业`` both get code ``I``.
* ``cn_industry_aliases.csv``: other labels NBS series use (``教育业``, three sectors,
  ``工业`` = B-D, ``其他行业`` = other, ``合计`` = all industries).
* ``cultural_industries_2018.csv``: 文化及相关产业分类(2018), nine categories 01-09.
* ``naics_sectors.csv``, ``soc_major_groups.csv``, ``dcms_creative_sic.csv``.

>>> lookup_industry("信息传输、计算机服务和软件业")
'I'
>>> lookup_industry("农林牧渔业")
'A'
>>> split_indicator("文化、体育和娱乐业城镇单位就业人员")
('R', '文化、体育和娱乐业', '城镇单位就业人员')
>>> split_indicator("地区生产总值")
('合计', '合计', '地区生产总值')
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

TOTAL_INDUSTRY = "合计"
"""Industry code of all-industry totals (``合计`` / ``Total`` columns and indicators that are
not split by industry, such as ``地区生产总值``)."""

TOTAL_MEASURES = {"国内生产总值": "增加值", "地区生产总值": "增加值"}
"""Indicators that are the all-industry total of another measure (GDP = sum of value added)."""

_DROP = re.compile(r"[\s\u3000、，,]+")


def _norm(name: str) -> str:
    return _DROP.sub("", str(name)).casefold()


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of a shipped reference CSV (``gbt4754_sections.csv`` ...).

    >>> len(read_table("naics_sectors.csv"))
    20
    >>> len(read_table("soc_major_groups.csv"))
    23
    """
    text = resources.files("lqcalc.reference").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _name_index(sources: tuple[tuple[str, str, str], ...]) -> dict[str, str]:
    """normalized name -> code from (table, name column, code column) sources; earlier wins."""
    out: dict[str, str] = {}
    for table, name_col, code_col in sources:
        for r in read_table(table):
            out.setdefault(_norm(r[name_col]), r[code_col])
    return out


@lru_cache(maxsize=1)
def _chinese_names() -> dict[str, str]:
    """normalized Chinese industry name -> code (GB/T 4754 all editions, aliases, culture 2018)."""
    return _name_index((("gbt4754_sections.csv", "name", "code"), ("cn_industry_aliases.csv", "name", "code"),
                        ("cultural_industries_2018.csv", "name", "code")))


@lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    """normalized English industry name -> code (GB/T 4754, NAICS, SOC, DCMS creative SIC)."""
    return _name_index((("gbt4754_sections.csv", "name_en", "code"), ("naics_sectors.csv", "name", "code"),
                        ("soc_major_groups.csv", "name", "code"), ("dcms_creative_sic.csv", "name", "sic4")))


def lookup_industry(name: str) -> str | None:
    """Code of an industry name (Chinese or English), None when unknown.

    >>> lookup_industry("Arts, Design, Entertainment, Sports, and Media Occupations")
    '27-0000'
    >>> lookup_industry("内容创作生产")
    '02'
    >>> lookup_industry("Total")
    '合计'
    >>> lookup_industry("其他行业")
    'other'
    >>> lookup_industry("数字创意产业") is None
    True
    """
    key = _norm(name)
    return _chinese_names().get(key) or _english_names().get(key)


def _cut(text: str, n_kept: int) -> int:
    """Index in ``text`` after ``n_kept`` characters that survive :func:`_norm`."""
    kept = 0
    for i, ch in enumerate(text):
        if kept == n_kept:
            return i
        if not _DROP.fullmatch(ch):
            kept += 1
    return len(text)


def split_indicator(indicator: str) -> tuple[str, str, str]:
    """Split an NBS indicator into ``(industry code, industry name, measure)``.

    The longest known industry name at the start of the indicator is the industry, the
    rest is the measure. A group prefix ``X-`` (``分行业增加值构成-农林牧渔业增加值``) stays in
    the measure. An indicator without an industry is an all-industry total
    (:data:`TOTAL_INDUSTRY`). An industry name alone gives an empty measure, to be filled
    by the caller from the table title.

    >>> split_indicator("信息传输、计算机服务和软件业城镇单位就业人员")
    ('I', '信息传输、计算机服务和软件业', '城镇单位就业人员')
    >>> split_indicator("分行业增加值构成-农林牧渔业增加值")
    ('A', '农林牧渔业', '分行业增加值构成-增加值')
    >>> split_indicator("第三产业增加值")
    ('sector3', '第三产业', '增加值')
    >>> split_indicator("制造业")
    ('C', '制造业', '')
    """
    text = str(indicator).strip()
    group = ""
    item = text
    m = re.match(r"^(?P<g>[^-－]+)[-－](?P<i>.+)$", text)
    if m:
        group, item = m.group("g").strip(), m.group("i").strip()
    item_norm = _norm(item)
    best: tuple[int, str] | None = None
    for name_norm, code in _chinese_names().items():
        if item_norm.startswith(name_norm) and (best is None or len(name_norm) > best[0]):
            best = (len(name_norm), code)
    if best is None:
        english = lookup_industry(item)
        if english is not None:
            return english, item, group
        return TOTAL_INDUSTRY, TOTAL_INDUSTRY, text
    cut = _cut(item, best[0])
    industry_name, rest = item[:cut].strip(), item[cut:].strip()
    measure = f"{group}-{rest}" if group and rest else (group or rest)
    return best[1], industry_name, measure
