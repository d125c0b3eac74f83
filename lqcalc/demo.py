"""``lqcalc demo``: the whole pipeline on the real UK BRES creative sample shipped in the package."""

from __future__ import annotations

from pathlib import Path

from lqcalc.config import ReadOptions, RunConfig
from lqcalc.resources import samples_dir

SAMPLE = "uk-bres/bres_nuts2_segments_2015_2018.csv"

#: Nesta's creative and cultural segments, charted by the demo.
CREATIVE_SEGMENTS = ["services_creative", "services_cultural", "services_content", "services_computing"]


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
    )
