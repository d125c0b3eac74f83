"""Texts of ``report.html`` in English and Simplified Chinese.

>>> t("map_lq", "zh")
'区位熵'
>>> t("rows_shown", "en", shown=30, total=360)
'the first 30 of 360 rows; summary/ has them all'
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("lqcalc report", "lqcalc 分析报告"),
    "subtitle": ("Location quotients and industrial clusters", "区位熵与产业集群分析"),
    "run": ("The run", "运行信息"),
    "run_about": ("The files read, how many rows were used, and what the validation found.",
                  "读入的文件、使用的行数以及数据校验的结果。"),
    "file": ("File", "文件"),
    "bytes": ("Bytes", "字节"),
    "sha256": ("SHA-256 (first 16)", "SHA-256（前16位）"),
    "rows_read": ("rows read", "读入行数"),
    "rows_used": ("rows used", "使用行数"),
    "rows_rejected": ("rows rejected", "剔除行数"),
    "reference_region": ("Reference region", "参照区域"),
    "total_industry": ("All-industry total", "行业合计"),
    "computed_sum": ("sum of the rows", "各行之和"),
    "valid_ok": ("Validation passed: every rule holds.", "数据校验通过：所有规则均满足。"),
    "valid_bad": ("Validation found problems: rows breaking a rule were set aside.",
                  "数据校验发现问题：违反规则的行已被剔除。"),
    "failing_rule": ("Rule", "规则"),
    "failing_rows": ("Rows", "行数"),
    "warnings": ("Warnings", "警告"),
    "strongest": ("Strongest clusters", "集聚程度最高的产业"),
    "strongest_about": ("For each industry, the region with the highest location quotient (LQ) in the latest year: "
                        "LQ is the industry's share of the region's total divided by its share of the reference "
                        "economy, so LQ > 1 means the industry is more concentrated there than in the reference.",
                        "各行业最新年份区位熵最高的地区。区位熵（LQ）= 该行业占本地区合计的比重 ÷ 该行业占参照区域合计的比重；"
                        "LQ > 1 表示该行业在本地区比在参照区域更集中。"),
    "no_lq": ("No location quotient: the table has one industry only (its total); the maps show the values.",
              "无区位熵：表中只有一个行业（合计）；地图显示数值。"),
    "maps": ("Maps", "地图"),
    "maps_about": ("Each row maps one industry in the end year: its LQ, its growth over the period, and its "
                   "cluster class (high concentration: LQ above the cut-off; high growth: growth above the "
                   "reference's). Regions are joined to their shapes by code.",
                   "每行为一个行业在末期的地图：区位熵、期间增长率和集群类型（高集聚：区位熵高于门槛；"
                   "高增长：增长快于参照区域）。地区按代码与边界匹配。"),
    "maps_values_about": ("The values of the latest year, in five classes of equal numbers of regions (quintiles). "
                          "Regions are joined to their shapes by code.",
                          "最新年份的数值，按地区数五等分分级（五分位）。地区按代码与边界匹配。"),
    "maps_capped": ("Maps of the first {shown} industries only: the page draws at most {budget:,} regions, "
                    "so that it opens quickly.",
                    "仅绘制前 {shown} 个行业的地图：为保证页面快速打开，最多绘制 {budget:,} 个地区。"),
    "map_lq": ("LQ", "区位熵"),
    "map_growth": ("Growth", "增长率"),
    "map_class": ("Cluster class", "集群类型"),
    "map_value": ("{measure} (quintiles)", "{measure}（五分位）"),
    "no_data": ("no data", "无数据"),
    "no_scheme": ("No map: the region codes are not those of a region set with shipped boundaries "
                  "(GB/T 2260, FIPS, NUTS 2).",
                  "无地图：地区代码不属于已附带边界的地区集合（GB/T 2260、FIPS、NUTS 2）。"),
    "without_shape": ("Regions of the table without a shape on these maps", "表中在本图上没有边界的地区"),
    "class_both": ("high concentration and high growth", "高集聚且高增长"),
    "class_high_concentration": ("high concentration only", "仅高集聚"),
    "class_high_growth": ("high growth only", "仅高增长"),
    "class_neither": ("neither", "均不是"),
    "charts": ("Charts", "图表"),
    "charts_about": ("Bubble charts plot LQ against growth (bubble area: size); the LQ lines follow the leading "
                     "regions over the years; the shift-share chart splits each region's change.",
                     "气泡图以区位熵为横轴、增长率为纵轴（气泡面积为规模）；折线图为主要地区区位熵的变化；"
                     "偏离-份额图分解各地区的变化量。"),
    "shift_share": ("Shift-share", "偏离-份额分析"),
    "shift_share_about": ("A region's change splits into the national share (growth at the reference's rate), "
                          "the industry mix (its industries growing faster or slower) and the regional shift "
                          "(its own competitiveness).",
                          "地区变化量分解为全国增长分量（按参照区域增长率的增长）、产业结构分量（所含行业增长快慢）"
                          "和区域竞争分量（本地区自身竞争力）。"),
    "classes": ("Cluster classes", "产业集群分类"),
    "classes_about": ("How many region × industry cells each rule marks as a cluster, and the cells most rules "
                      "mark (NESTA concentration × growth, growth-share quadrant, US Cluster Mapping strong "
                      "cluster, LQ thresholds, LQ confidence interval).",
                      "各分类规则认定为集群的地区×行业单元数量，以及满足规则最多的单元（NESTA集聚×增长、增长-份额象限、"
                      "美国集群地图强集群、区位熵阈值、区位熵置信区间）。"),
    "rows_shown": ("the first {shown} of {total} rows; summary/ has them all",
                   "显示 {total} 行中的前 {shown} 行；summary/ 中有全部数据"),
    "sort_hint": ("Click a column header to sort.", "点击列标题排序。"),
    "footer": ("Written by lqcalc {version}. Tables: the Parquet files and lqcalc.duckdb of this folder.",
               "由 lqcalc {version} 生成。完整数据见本目录下的 Parquet 文件和 lqcalc.duckdb。"),
    "contents": ("Contents", "目录"),
}


def t(key: str, lang: str = "en", **fields: object) -> str:
    """The text ``key`` in ``lang`` (``en`` or ``zh``) with ``fields`` filled in."""
    pair = TEXTS[key]
    return (pair[1] if lang == "zh" else pair[0]).format(**fields)
