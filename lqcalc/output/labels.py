"""Readable labels (English and Simplified Chinese) for columns, tables and values.

Summaries and charts show these instead of the column names; the Parquet files and the
DuckDB database keep the plain column names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

LANGS = ("en", "zh")

#: column name -> (English, Chinese)
COLUMNS: dict[str, tuple[str, str]] = {
    "region": ("Region code", "地区代码"),
    "region_name": ("Region", "地区"),
    "industry": ("Industry code", "行业代码"),
    "industry_name": ("Industry", "行业"),
    "year": ("Year", "年份"),
    "measure": ("Measure", "指标"),
    "value": ("Value", "数值"),
    "unit": ("Unit", "单位"),
    "source_file": ("Source file", "来源文件"),
    "source_line": ("Source line", "来源行号"),
    "region_total": ("Region total", "地区合计"),
    "reference_value": ("Reference value of the industry", "参照区域该行业数值"),
    "reference_total": ("Reference total", "参照区域合计"),
    "lq": ("Location quotient (LQ)", "区位熵 (LQ)"),
    "slq": ("Symmetric LQ", "对称区位熵"),
    "lq_ci_low": ("LQ 95% CI low", "区位熵95%置信下限"),
    "lq_ci_high": ("LQ 95% CI high", "区位熵95%置信上限"),
    "lq_excl_own": ("LQ excluding own region", "剔除本地区的区位熵"),
    "share_of_region": ("Share of region total", "占本地区比重"),
    "share_of_reference": ("Share of reference industry", "占参照区域该行业比重"),
    "null_reason": ("Why empty", "空值原因"),
    "hhi": ("Herfindahl index (HHI)", "赫芬达尔指数 (HHI)"),
    "hhi_norm": ("Normalized HHI", "标准化HHI"),
    "entropy": ("Shannon entropy (bits)", "香农熵 (比特)"),
    "krugman_spec": ("Krugman specialization", "克鲁格曼专业化指数"),
    "hoover_spec": ("Hoover specialization", "胡佛专业化系数"),
    "related_variety": ("Related variety", "相关多样性"),
    "unrelated_variety": ("Unrelated variety", "无关多样性"),
    "n_industries": ("Industries", "行业数"),
    "n_regions": ("Regions", "地区数"),
    "hoover_loc": ("Hoover localization", "胡佛地方化系数"),
    "krugman_conc": ("Krugman concentration", "克鲁格曼集中度指数"),
    "gini_loc": ("Locational Gini", "区位基尼系数"),
    "cr4": ("Top-4 share (CR4)", "前四位集中率 (CR4)"),
    "eg_gamma": ("Ellison-Glaeser gamma", "EG集聚指数"),
    "start_year": ("Start year", "基期"),
    "end_year": ("End year", "末期"),
    "start_value": ("Start value", "基期数值"),
    "end_value": ("End value", "末期数值"),
    "change": ("Change", "变化量"),
    "growth": ("Growth", "增长率"),
    "cagr": ("CAGR", "年均复合增长率"),
    "reference_growth": ("Reference growth", "参照区域增长率"),
    "relative_growth": ("Growth above reference", "相对增长率"),
    "share_change_pp": ("Share change (pp)", "比重变化 (百分点)"),
    "lq_change": ("LQ change", "区位熵变化"),
    "national_share": ("National share", "全国增长分量"),
    "industry_mix": ("Industry mix", "产业结构分量"),
    "regional_shift": ("Regional shift", "区域竞争分量"),
    "em_competitive": ("Competitive effect (E-M)", "竞争效应 (E-M)"),
    "em_allocation": ("Allocation effect (E-M)", "配置效应 (E-M)"),
    "rank": ("Rank", "排名"),
    "rules_met": ("Rules met", "满足的规则数"),
    "class_nesta": ("Concentration x growth (NESTA)", "集聚×增长分类 (NESTA)"),
    "class_quadrant": ("Growth-share quadrant", "增长-份额象限"),
    "class_threshold": ("LQ threshold class", "区位熵阈值分类"),
    "ci_cluster": ("LQ CI above 1", "区位熵置信下限大于1"),
    "size": ("Size", "规模"),
    "establishments": ("Establishments", "单位数"),
    "region_level": ("Region level", "地区层级"),
    "parent_region": ("Parent region", "上级地区"),
    "lq_parent": ("LQ against parent region", "相对上级地区的区位熵"),
    "lq_cutoff": ("LQ cutoff (percentile)", "区位熵分位数门槛"),
    "size_cutoff": ("Size cutoff (percentile)", "规模分位数门槛"),
    "is_leaf": ("Leaf industry", "末级行业"),
    "is_total_industry": ("All-industry total", "行业合计"),
    "leaf_total": ("Sum of leaf industries", "末级行业合计"),
    "equivalent_number": ("Equivalent number (1/HHI)", "等价数目 (1/HHI)"),
    "regions_total": ("Sum over regions", "各地区合计"),
    "plant_hhi": ("Plant-level HHI", "企业层面HHI"),
    "period": ("Period", "时期"),
    "reference_total_growth": ("Reference total growth", "参照区域总量增长率"),
    "region_share_change_pp": ("Share of region change (pp)", "占本地区比重变化 (百分点)"),
    "lq_start": ("LQ start year", "基期区位熵"),
    "lq_end": ("LQ end year", "末期区位熵"),
    "target": ("Target", "目标"),
    "target_year": ("Target year", "目标年份"),
    "target_value": ("Target value", "目标值"),
    "required_cagr": ("Required CAGR", "所需年均增长率"),
    "trend_cagr": ("CAGR so far", "既往年均增长率"),
    "on_track": ("On track", "是否按期达成"),
    "cluster_class": ("Cluster class", "集群类型"),
    "class": ("Class", "类型"),
    "quadrant": ("Growth-share quadrant", "增长-份额象限"),
    "strong_cluster": ("Strong cluster", "强集群"),
    "regions": ("Regions", "地区数"),
    "count": ("Count", "数量"),
    "check": ("Check", "检查项"),
    "rule": ("Rule", "规则"),
    "message": ("Message", "说明"),
    "rows": ("Rows", "行数"),
}

#: summary / output table name -> (English, Chinese)
TABLES: dict[str, tuple[str, str]] = {
    "top_clusters_by_industry": ("Strongest clusters by industry", "各行业集聚程度最高的地区"),
    "top_clusters_by_region": ("Strongest clusters by region", "各地区集聚程度最高的行业"),
    "cluster_classes": ("Cluster classes", "产业集群分类"),
    "cluster_class_counts": ("Cluster classes: counts", "产业集群分类统计"),
    "growth_by_region": ("Growth and shift-share by region", "各地区增长与偏离-份额分解"),
    "validation": ("Validation summary", "数据校验摘要"),
    "indicators": ("Indicators", "指标"),
    "regions": ("Regional specialization", "地区专业化"),
    "industries": ("Industry concentration", "行业集中度"),
    "growth": ("Growth and shift-share", "增长与偏离-份额"),
    "clusters": ("Clusters", "产业集群"),
    "tidy": ("Input (tidy)", "输入数据"),
    "rejected": ("Rejected rows", "被剔除的行"),
}

#: summary table -> sheet name of ``summary.xlsx`` (English, Chinese), at most 31 characters
SHEETS: dict[str, tuple[str, str]] = {
    "about": ("About", "说明"),
    "top_clusters_by_industry": ("Top clusters by industry", "各行业集聚最高的地区"),
    "top_clusters_by_region": ("Top clusters by region", "各地区集聚最高的行业"),
    "cluster_classes": ("Cluster classes", "产业集群分类"),
    "cluster_class_counts": ("Cluster class counts", "集群分类统计"),
    "growth_by_region": ("Growth by region", "各地区增长与偏离-份额"),
    "validation": ("Validation", "数据校验"),
}

#: summary table -> what it holds (English, Chinese), for the first sheet of ``summary.xlsx``
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "top_clusters_by_industry": ("The regions with the highest LQ in each industry, latest year.",
                                 "每个行业区位熵最高的地区（最近年份）。"),
    "top_clusters_by_region": ("The industries with the highest LQ in each region, latest year.",
                               "每个地区区位熵最高的行业（最近年份）。"),
    "cluster_classes": ("Region x industry cells that a cluster rule marks, the strongest first.",
                        "被某一集群规则认定的地区×行业单元，按强度排序。"),
    "cluster_class_counts": ("How many cells each rule puts in each class.", "各规则下每一类别的单元数。"),
    "growth_by_region": ("Growth of each region's total against the reference, and the shift-share components "
                         "summed over its industries.", "各地区合计相对参照区域的增长，以及按行业加总的偏离-份额分量。"),
    "validation": ("Rows read, used and rejected, missing values, LQ computed or empty.",
                   "读入、使用和剔除的行数，缺失值，已计算或为空的区位熵。"),
}

#: cell values (cluster classes, validation checks) -> (English, Chinese)
VALUES: dict[str, tuple[str, str]] = {
    "both": ("high concentration and high growth", "高集聚且高增长"),
    "high concentration and high growth": ("high concentration and high growth", "高集聚且高增长"),
    "high_concentration_high_growth": ("high concentration and high growth", "高集聚且高增长"),
    "high concentration": ("high concentration", "高集聚"),
    "high_concentration": ("high concentration", "高集聚"),
    "high growth": ("high growth", "高增长"),
    "high_growth": ("high growth", "高增长"),
    "neither": ("neither", "均不是"),
    "star": ("star (LQ >= 1, faster growth)", "明星（LQ≥1，增长较快）"),
    "mature": ("mature (LQ >= 1, slower growth)", "成熟（LQ≥1，增长较慢）"),
    "emerging": ("emerging (LQ < 1, faster growth)", "新兴（LQ<1，增长较快）"),
    "transforming": ("transforming (LQ < 1, slower growth)", "转型（LQ<1，增长较慢）"),
    "below": ("below the thresholds", "低于阈值"),
    "total": ("whole period", "整个时期"),
    "true": ("yes", "是"),
    "false": ("no", "否"),
    "rows read": ("rows read", "读入行数"),
    "rows used": ("rows used", "使用行数"),
    "rows rejected": ("rows rejected", "剔除行数"),
    "missing values": ("missing values", "缺失值"),
    "cells": ("indicator cells", "指标单元格"),
    "lq computed": ("LQ computed", "已计算区位熵"),
    "lq empty": ("LQ empty", "区位熵为空"),
    "rows checked": ("rows checked", "校验行数"),
    "rows with errors": ("rows with errors", "有错误的行数"),
    "errors": ("errors", "错误数"),
    "warnings": ("warnings", "警告数"),
}

#: chart texts -> (English, Chinese)
TEXTS: dict[str, tuple[str, str]] = {
    "bubble_title": ("{industry}: concentration and growth, {start}-{end}", "{industry}：集聚与增长，{start}—{end}年"),
    "lq_axis": ("Location quotient {year} (log scale)", "{year}年区位熵（对数坐标）"),
    "growth_axis": ("Growth {start}-{end} (%)", "{start}—{end}年增长率（%）"),
    "reference_growth": ("reference growth {value:.1f}%", "参照区域增长 {value:.1f}%"),
    "lq_one": ("LQ = 1", "LQ = 1"),
    "size_note": ("bubble area: {measure} {year}", "气泡面积：{year}年{measure}"),
    "bubble_capped": ("; the {shown:,} largest of {total:,} regions", "；{total:,}个地区中最大的{shown:,}个"),
    "lq_time_title": ("{industry}: LQ over time, leading regions", "{industry}：主要地区区位熵变化"),
    "lq_time_axis": ("Location quotient", "区位熵"),
    "year_axis": ("Year", "年份"),
    "shift_title": ("Shift-share components by region, {start}-{end} ({measure})", "各地区偏离-份额分解，{start}—{end}年（{measure}）"),
    "shift_axis": ("Change ({unit})", "变化量（{unit}）"),
    "quadrant_hh": ("concentrated, growing", "高集聚·高增长"),
    "quadrant_hl": ("concentrated, lagging", "高集聚·低增长"),
    "quadrant_lh": ("emerging", "新兴"),
    "quadrant_ll": ("weak", "弱势"),
    "years": ("{start}-{end}", "{start}—{end}年"),
    "footer_source": ("Source: {source}, {years}.", "数据来源：{source}，{years}。"),
    "footer_years": ("Data: {years}.", "数据：{years}。"),
    "footer_only": ("Source: {source}.", "数据来源：{source}。"),
    "footer_tool": ("Chart: lqcalc {version}.", "制图：lqcalc {version}。"),
    "lq_time_note": ("the {n} regions with the highest LQ in {year} (the smallest quarter of cells left out)",
                     "{year}年区位熵最高的{n}个地区（不含规模最小的四分之一）"),
    "shift_note": ("the {n} regions with the largest change", "变化量最大的{n}个地区"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def label(column: str, lang: str = "en") -> str:
    """Readable header of ``column`` (the column name itself when unknown).

    >>> label("lq"), label("lq", "zh"), label("unknown_col")
    ('Location quotient (LQ)', '区位熵 (LQ)', 'unknown_col')
    """
    pair = COLUMNS.get(column)
    return _pick(pair, lang) if pair else column


def table_title(name: str, lang: str = "en") -> str:
    """Readable title of a table.

    >>> table_title("growth_by_region", "zh")
    '各地区增长与偏离-份额分解'
    """
    pair = TABLES.get(name)
    return _pick(pair, lang) if pair else name.replace("_", " ")


def value_label(value: object, lang: str = "en") -> object:
    """Readable form of a known cell value (cluster classes ...); other values unchanged.

    >>> value_label("high_growth", "zh"), value_label("UKI3", "zh")
    ('高增长', 'UKI3')
    """
    if isinstance(value, str):
        pair = VALUES.get(value) or VALUES.get(value.lower())
        if pair:
            return _pick(pair, lang)
    return value


def text(key: str, lang: str = "en", **fields: object) -> str:
    """A chart text in ``lang`` with ``fields`` filled in.

    >>> text("growth_axis", "zh", start=2015, end=2018)
    '2015—2018年增长率（%）'
    """
    return _pick(TEXTS[key], lang).format(**fields)


def relabel(df: pl.DataFrame, lang: str = "en", values: tuple[str, ...] = ()) -> pl.DataFrame:
    """``df`` with readable headers; the columns in ``values`` also get readable cells.

    Headers stay unique: when two columns would get the same label the code is appended.

    >>> import polars as pl
    >>> relabel(pl.DataFrame({"region": ["UKI3"], "lq": [2.0]}), "zh").columns
    ['地区代码', '区位熵 (LQ)']
    >>> relabel(pl.DataFrame({"class_nesta": ["high_growth", None, "UKI3"]}), "zh", values=("class_nesta",)).rows()
    [('高增长',), (None,), ('UKI3',)]
    """
    import polars as pl

    if values:
        # one lookup per distinct value, not a Python call per row (cluster tables have millions)
        df = df.with_columns(
            pl.col(c).replace_strict({v: value_label(v, lang) for v in df[c].drop_nulls().unique().to_list()},
                                     default=None, return_dtype=pl.String)
            for c in values if c in df.columns and df.schema[c] == pl.String
        )
    names: dict[str, str] = {}
    seen: set[str] = set()
    for c in df.columns:
        new = label(c, lang)
        if new in seen:
            new = f"{new} ({c})"
        seen.add(new)
        names[c] = new
    return df.rename(names)


def sheet_name(name: str, lang: str = "en") -> str:
    """Sheet name of a summary table in ``summary.xlsx`` (at most 31 characters).

    >>> sheet_name("growth_by_region"), sheet_name("growth_by_region", "zh")
    ('Growth by region', '各地区增长与偏离-份额')
    """
    pair = SHEETS.get(name)
    return _pick(pair, lang) if pair else table_title(name, lang)
