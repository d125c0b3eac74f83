"""Portal-style exports for the tutorial test (see test_output_docs.py).

They imitate files downloaded from the NBS data portal (分省年度数据, 下载 -> CSV): GB18030,
CRLF, the lines 数据库 / 指标 / 时间, a header 地区,2023年,..., one province per line and a
footnote. The numbers are synthetic (the portal's per-industry files are not in the
repository); the layout is that of the real exports in tests/fixtures/io.
"""

from __future__ import annotations

import random
from pathlib import Path

PROVINCES = ["北京市", "天津市", "河北省", "上海市", "江苏省", "浙江省", "广东省", "四川省"]
INDUSTRY_SHARES = {"制造业": 0.30, "信息传输、软件和信息技术服务业": 0.03, "文化、体育和娱乐业": 0.01,
                   "科学研究和技术服务业": 0.025}
STRONG = {("北京市", "信息传输、软件和信息技术服务业"): 3.0, ("北京市", "文化、体育和娱乐业"): 2.5,
          ("上海市", "科学研究和技术服务业"): 2.0, ("广东省", "制造业"): 1.5}
YEARS = list(range(2023, 2018, -1))


def _write(path: Path, indicator: str, value) -> None:
    lines = ["数据库：分省年度数据", f"指标：{indicator}(万人)", "时间：最近5年",
             "地区," + ",".join(f"{y}年" for y in YEARS)]
    for p in PROVINCES:
        lines.append(p + "," + ",".join(f"{value(p, y):.1f}" for y in YEARS))
    lines.append("注：数据来源于国家统计局。")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))


def write_exports(folder: Path) -> list[Path]:
    """Write the total file and one file per industry into ``folder``; return the paths."""
    rng = random.Random(3)
    folder.mkdir(parents=True, exist_ok=True)
    total = {p: rng.uniform(300, 2000) for p in PROVINCES}
    growth = {p: rng.uniform(0.99, 1.04) for p in PROVINCES}
    paths = [folder / "城镇单位就业人员.csv"]
    _write(paths[0], "城镇单位就业人员", lambda p, y: total[p] * growth[p] ** (y - 2019))
    for industry, share in INDUSTRY_SHARES.items():
        base = {p: total[p] * share * STRONG.get((p, industry), 1.0) * rng.uniform(0.8, 1.2) for p in PROVINCES}
        g = {p: rng.uniform(0.97, 1.10) for p in PROVINCES}
        path = folder / f"{industry}城镇单位就业人员.csv"
        _write(path, f"{industry}城镇单位就业人员", lambda p, y, base=base, g=g: base[p] * g[p] ** (y - 2019))
        paths.append(path)
    return paths
