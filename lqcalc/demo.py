"""``lqcalc demo``: the whole pipeline on the real UK BRES creative sample shipped in the package."""

from __future__ import annotations

from pathlib import Path

from lqcalc.config import ReadOptions, RunConfig
from lqcalc.resources import samples_dir

SAMPLE = "uk-bres/bres_nuts2_segments_2015_2018.csv"

#: Nesta's creative and cultural segments, charted by the demo.
CREATIVE_SEGMENTS = ["services_creative", "services_cultural", "services_content", "services_computing"]
#: Their names in chart titles (English, Chinese): the sample has segment codes only. The
#: SIC 2007 classes of each segment are in ``sic_4_industry_segment_lookup.csv``.
SEGMENT_NAMES = {
    "services_creative": ("Creative services (design, photography, translation, events)", "创意服务业（设计、摄影、翻译、会展）"),
    "services_cultural": ("Cultural services (libraries, museums, heritage sites)", "文化服务业（图书馆、博物馆、历史遗迹）"),
    "services_content": ("Content (film, television, radio, music)", "内容产业（影视、广播、音乐）"),
    "services_computing": ("Computing and information services", "计算机与信息服务业"),
}


def sample_path(name: str = SAMPLE) -> Path:
    """Path of a shipped sample file (data/samples/ in the repository)."""
    return samples_dir() / name


def demo_config(out: str, lang: str = "en", quiet: bool = False) -> RunConfig:
    """Settings of the demo run: employment by NUTS2 region x industry segment, 2015-2018."""
    return RunConfig(
        inputs=[str(sample_path())],
        out=out,
        read=ReadOptions(
            region_col="region", industry_col="industry", year_col="year",
            value_cols=["employment"], region_name_col="region_name", unit="persons",
        ),
        lang=lang,
        quiet=quiet,
        chart_industries=list(CREATIVE_SEGMENTS),
        chart_industry_names={code: pair[1] if lang == "zh" else pair[0] for code, pair in SEGMENT_NAMES.items()},
    )
