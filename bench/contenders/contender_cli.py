"""The command line shared by the contender scripts: ``INPUT OUTDIR --reference-region R
--total-industry T``, the timings printed as one JSON line for ``bench/run.py``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Callable


def run(compute: Callable[[Path, Path, str | None, str | None], dict], description: str) -> None:
    """Parse the arguments, call ``compute(input, out, reference_region, total_industry)``
    and print ``{"timings": ...}`` with what it returns."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("input", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--reference-region", help="the reference region's code (else: the sum of the regions)")
    ap.add_argument("--total-industry", help="the all-industry code (else: the sum of the industries)")
    args = ap.parse_args()
    times = compute(args.input, args.out, args.reference_region, args.total_industry)
    print(json.dumps({"timings": times}))
