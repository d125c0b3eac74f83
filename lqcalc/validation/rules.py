"""The catalogue of validation rules: stable ids, titles and message templates (en / zh).

Every rule has a stable ``id`` (used in reports, in ``rejected.parquet`` and by tests), a
severity (``error`` rows are rejected, ``warning`` rows are only reported), a title, a
message template filled from the offending row and a hint saying how to fix the input.

>>> RULES["negative_value"].severity
'error'
>>> RULES["negative_value"].message({"value": "-3.0"}, "en")
'negative value -3.0: counts and amounts cannot be below zero'
>>> RULES["region_is_sum"].severity
'warning'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    """One rule: what it checks, how it is worded in English and Chinese, how to fix it.

    Parameters
    ----------
    id : str
        Stable identifier, e.g. ``duplicate_key``.
    severity : str
        ``error`` (the row is rejected / the run fails) or ``warning`` (reported only).
    title_en, title_zh : str
        Short titles for report headings.
    message_en, message_zh : str
        ``str.format`` templates filled with the fields of one finding.
    hint_en, hint_zh : str
        How to fix the input.
    fatal : bool
        The table as a whole is unusable (a column is missing or has the wrong type):
        quarantining rows cannot fix it.
    """

    id: str
    severity: str
    title_en: str
    title_zh: str
    message_en: str
    message_zh: str
    hint_en: str = ""
    hint_zh: str = ""
    fatal: bool = False

    def title(self, lang: str = "en") -> str:
        """The title in ``lang`` (``en`` or ``zh``)."""
        return self.title_zh if lang == "zh" else self.title_en

    def hint(self, lang: str = "en") -> str:
        """The hint in ``lang`` (``en`` or ``zh``)."""
        return self.hint_zh if lang == "zh" else self.hint_en

    def message(self, params: dict[str, Any], lang: str = "en") -> str:
        """The message in ``lang`` filled with ``params`` (missing fields print as ``?``)."""
        template = self.message_zh if lang == "zh" else self.message_en
        return template.format_map(_Default({k: ("-" if v is None else v) for k, v in params.items()}))


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _r(*args: Any, **kwargs: Any) -> Rule:
    return Rule(*args, **kwargs)


_RULE_LIST: list[Rule] = [
    _r(
        "column_missing", "error",
        "Required column missing", "缺少必需的列",
        "the tidy table has no column {column!s}",
        "整理后的数据表缺少列 {column!s}",
        "name the column with --region-col / --industry-col / --year-col / --value-col",
        "用 --region-col / --industry-col / --year-col / --value-col 指定列名",
        fatal=True,
    ),
    _r(
        "column_type", "error",
        "Column has the wrong type", "列的数据类型不对",
        "column {column!s} has type {actual!s}, expected {expected!s}",
        "列 {column!s} 的类型是 {actual!s}，应为 {expected!s}",
        "codes must be text and values numbers; check the reader options",
        "代码应为文本、数值应为数字；请检查读取选项",
        fatal=True,
    ),
    _r(
        "key_null", "error",
        "Key is empty", "关键字段为空",
        "{column!s} is empty or a missing marker: every row needs a region, an industry and a measure",
        "{column!s} 为空或为缺失标记：每一行都需要地区、行业和指标",
        "fill the empty cell or delete the row (a note or a blank line read as data?)",
        "补全空白单元格或删除该行（是否把注释或空行当成了数据？）",
    ),
    _r(
        "duplicate_key", "error",
        "Duplicate region × industry × year × measure", "地区×行业×年份×指标重复",
        "{region!s} × {industry!s} × {year!s} × {measure!s} appears {count!s} times (value {value!s})",
        "{region!s} × {industry!s} × {year!s} × {measure!s} 出现 {count!s} 次（数值 {value!s}）",
        "keep one row per region, industry, year and measure; the same file given twice, "
        "or a region written in two ways?",
        "每个地区、行业、年份和指标只保留一行；是否重复输入了同一文件，或同一地区有两种写法？",
    ),
    _r(
        "negative_value", "error",
        "Negative value", "数值为负",
        "negative value {value!s}: counts and amounts cannot be below zero",
        "数值 {value!s} 为负：计数和金额不能小于零",
        "check the sign; a suppression marker such as -1 must be read as missing; a rate or a change "
        "(negative values allowed, never summed) is declared with --rate MEASURE",
        "检查符号；-1 之类的保密标记应读作缺失值；增长率等比率类指标（可为负，不加总）请用 --rate MEASURE 声明",
    ),
    _r(
        "non_finite", "error",
        "Value is not a finite number", "数值不是有限数",
        "value {value!s} is not a finite number",
        "数值 {value!s} 不是有限数",
        "write missing values as an empty cell",
        "缺失值请留空",
    ),
    _r(
        "year_range", "error",
        "Year out of range", "年份超出范围",
        "year {year!s} is outside {min_year!s}..{max_year!s}",
        "年份 {year!s} 不在 {min_year!s}..{max_year!s} 之间",
        "a value read as a year? check --year-col",
        "是否把数值当成了年份？请检查 --year-col",
    ),
    _r(
        "reference_missing", "error",
        "Reference region missing for a year", "某年缺少参照地区",
        "reference region {reference!s} has no row for {measure!s}, year {year!s}",
        "参照地区 {reference!s} 在 {measure!s}、{year!s} 年没有数据行",
        "add the reference row for that year, or leave --reference-region unset to sum the regions",
        "补上该年的参照地区数据，或不设 --reference-region 以各地区之和为参照",
    ),
    _r(
        "total_missing", "error",
        "Total industry missing", "缺少行业合计",
        "total industry {total!s} has no row for region {region!s}, {measure!s}, year {year!s}",
        "地区 {region!s} 在 {measure!s}、{year!s} 年没有行业合计 {total!s}",
        "add the total row, or leave --total-industry unset to sum the leaf industries",
        "补上合计行，或不设 --total-industry 以末级行业之和为合计",
    ),
    _r(
        "exceeds_total", "error",
        "Part larger than its total", "分项大于合计",
        "{industry!s} = {value!s} is larger than the total {total!s} = {total_value!s} "
        "(region {region!s}, {measure!s}, {year!s})",
        "{industry!s} = {value!s} 大于合计 {total!s} = {total_value!s}（地区 {region!s}，{measure!s}，{year!s}）",
        "a unit mix-up (万人 vs 人), a shifted column or a wrong total row",
        "单位混淆（万人与人）、列错位或合计行有误",
    ),
    _r(
        "exceeds_reference", "error",
        "Region larger than the reference", "地区数值大于参照地区",
        "region {region!s} = {value!s} is larger than the reference {reference!s} = {reference_value!s} "
        "({industry!s}, {measure!s}, {year!s})",
        "地区 {region!s} = {value!s} 大于参照地区 {reference!s} = {reference_value!s}（{industry!s}，{measure!s}，{year!s}）",
        "a unit mix-up, a revision vintage mixed in, or the wrong reference region",
        "单位混淆、混入了不同修订版本的数据，或参照地区选错",
    ),
    _r(
        "mixed_units", "error",
        "More than one unit for a measure", "同一指标有多种单位",
        "measure {measure!s} has units {units!s}; this row has {unit!s}",
        "指标 {measure!s} 有多种单位 {units!s}；本行为 {unit!s}",
        "convert to one unit before combining files (e.g. 万人 → persons), or use --unit",
        "合并文件前先统一单位（例如 万人 → 人），或使用 --unit",
    ),
    _r(
        "region_spelling", "error",
        "One region written in two ways", "同一地区有多种写法",
        "region {region!s} looks like the same region as {others!s}",
        "地区 {region!s} 与 {others!s} 似乎是同一地区",
        "map the names to one code with --region-map",
        "用 --region-map 把名称映射到统一代码",
    ),
    _r(
        "industry_spelling", "error",
        "One industry written in two ways", "同一行业有多种写法",
        "industry {industry!s} looks like the same industry as {others!s}",
        "行业 {industry!s} 与 {others!s} 似乎是同一行业",
        "keep codes as text (leading zeros!) and write each industry one way",
        "代码按文本保存（保留前导零），每个行业只用一种写法",
    ),
    _r(
        "footnote_row", "error",
        "A note read as a data row", "注释被当作数据行",
        "{column!s} {value!s} looks like a note, not a region or industry",
        "{column!s} {value!s} 看起来是注释，而不是地区或行业",
        "delete the note lines (注：…, 数据来源：…) below the table",
        "删除表格下方的注释行（注：…、数据来源：…）",
    ),
    # ---- warnings ----
    _r(
        "region_is_sum", "warning",
        "A region looks like the sum of the others", "某地区似乎是其他地区之和",
        "region {region!s} equals the sum of the other regions in {share!s} cells: "
        "it is probably a total (全国 / national) and would be counted twice",
        "地区 {region!s} 在 {share!s} 个单元中等于其他地区之和：可能是合计（全国），会被重复计算",
        "name it with --reference-region, or remove it",
        "用 --reference-region 指定它，或删除它",
    ),
    _r(
        "industry_is_sum", "warning",
        "An industry looks like the sum of the others", "某行业似乎是其他行业之和",
        "industry {industry!s} equals the sum of the other industries in {share!s} cells: "
        "it is probably a total (合计) and would be counted twice",
        "行业 {industry!s} 在 {share!s} 个单元中等于其他行业之和：可能是合计，会被重复计算",
        "name it with --total-industry, or remove it",
        "用 --total-industry 指定它，或删除它",
    ),
    _r(
        "parts_exceed_total", "warning",
        "Industries add up to more than the total", "各行业之和大于合计",
        "the industries of region {region!s} add up to {parts!s}, more than the total {total!s} = {total_value!s} "
        "({measure!s}, {year!s})",
        "地区 {region!s} 各行业之和为 {parts!s}，大于合计 {total!s} = {total_value!s}（{measure!s}，{year!s}）",
        "overlapping industries (其中 rows, mixed code levels) or a wrong total row",
        "行业有重叠（“其中”项、不同层级的代码）或合计行有误",
    ),
    _r(
        "parts_exceed_reference", "warning",
        "Regions add up to more than the reference", "各地区之和大于参照地区",
        "measure {measure!s}: the regions add up to more than the reference {reference!s} in {cells!s} "
        "industry × year cells; the largest excess is {excess!s} ({industry!s}, {year!s}: {parts!s} against "
        "{reference_value!s})",
        "指标 {measure!s}：在 {cells!s} 个行业×年份单元中各地区之和大于参照地区 {reference!s}；"
        "最大超出 {excess!s}（{industry!s}，{year!s}：{parts!s} 对 {reference_value!s}）",
        "overlapping or extra regions (a city and its province, metropolitan areas, territories outside "
        "the reference) or a different revision vintage",
        "地区有重叠（城市与所在省份、都市区）或混入了不同修订版本",
    ),
    _r(
        "suppressed_share", "warning",
        "Many cells suppressed", "大量单元格保密或缺失",
        "measure {measure!s}: {share!s} of {cells!s} cells are missing or suppressed",
        "指标 {measure!s}：{cells!s} 个单元格中 {share!s} 缺失或保密",
        "indicators for those cells will be null; totals summed from parts will be too low",
        "这些单元格的指标将为空；由分项加总得到的合计会偏低",
    ),
    _r(
        "missing_share", "warning",
        "Many values missing in a year", "某年缺失值较多",
        "measure {measure!s}, year {year!s}: {share!s} of {cells!s} values are missing",
        "指标 {measure!s}，{year!s} 年：{cells!s} 个数值中 {share!s} 缺失",
        "a year not yet published, or a series not compiled then",
        "该年数据尚未公布，或当时未统计该指标",
    ),
    _r(
        "zero_total", "warning",
        "Total is zero", "合计为零",
        "{what!s} {name!s} is 0 ({measure!s}, {year!s}): ratios over it will be null",
        "{what!s} {name!s} 为 0（{measure!s}，{year!s}）：以它为分母的比率将为空",
        "a zero written for 'missing'? then use --zero-as-missing",
        "是否用 0 表示缺失？如是请使用 --zero-as-missing",
    ),
    _r(
        "suspect_encoding", "warning",
        "Text garbled by a wrong encoding?", "文字可能因编码错误而乱码",
        "{label!s} mixes Latin letters and Chinese characters: the file may not be GB18030 "
        "(Latin-1 / Windows-1252 read as Chinese?)",
        "{label!s} 混有拉丁字母和汉字：文件可能不是 GB18030 编码（Latin-1 / Windows-1252 被当成中文？）",
        "give the file's encoding with --encoding (e.g. cp1252) or save it as UTF-8",
        "用 --encoding 指定文件编码（如 cp1252），或另存为 UTF-8",
    ),
    _r(
        "reference_value_missing", "warning",
        "Reference value missing", "参照值缺失",
        "reference region {reference!s} has no value for {industry!s}, {measure!s}, {year!s}",
        "参照地区 {reference!s} 在 {industry!s}、{measure!s}、{year!s} 年没有数值",
        "the location quotients of that industry and year will be null",
        "该行业该年的区位商将为空",
    ),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULE_LIST}
"""Every rule by id, in report order."""

ERROR_RULES = [r.id for r in _RULE_LIST if r.severity == "error"]
WARNING_RULES = [r.id for r in _RULE_LIST if r.severity == "warning"]


def rules_markdown(lang: str = "en") -> str:
    """The rule catalogue as a Markdown table (for the documentation).

    >>> rules_markdown().splitlines()[2].startswith("| `column_missing` | error |")
    True
    """
    head = ("| rule | severity | what | how to fix |" if lang != "zh" else "| 规则 | 级别 | 内容 | 处理建议 |")
    lines = [head, "| --- | --- | --- | --- |"]
    for r in _RULE_LIST:
        lines.append(f"| `{r.id}` | {r.severity} | {r.title(lang)} | {r.hint(lang)} |")
    return "\n".join(lines)
