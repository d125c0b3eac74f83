"""Chinese administrative divisions (GB/T 2260): names to codes.

The shipped table ``gb2260_divisions.csv`` lists provinces, prefecture-level units and
county-level units (districts, counties, county-level cities) with their six-digit codes
(see ``README.md`` in this folder for its source). The whole country is the reference
region and has the code :data:`REFERENCE_CODE` (``000000``), named ``全国``.

Names are matched after :func:`clean_name` (spaces, full-width spaces and footnote marks
removed, an English part dropped when Chinese is present), so ``北　京``, ``北京``,
``北京市`` and ``Beijing`` all give ``110000``.

>>> r = RegionResolver()
>>> r.resolve("北　京")
('110000', '北京市')
>>> r.resolve("内蒙古")
('150000', '内蒙古自治区')
>>> r.resolve("福田区")
('440304', '福田区')
>>> r.resolve("全国")
('000000', '全国')
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lqcalc.errors import DataError, Problem, UsageError, closest

REFERENCE_CODE = "000000"
"""Code of the reference region (the whole country, ``全国`` / ``National``)."""

REFERENCE_NAME = "全国"

LEVELS = ("nation", "province", "prefecture", "county")

_SPACE_RE = re.compile(r"[\s\u3000\u00a0\u2002\u2003\ufeff]+")
_MARK_RE = re.compile(r"^[#＃*＊]+|[*＊#＃①②③④⑤⑥⑦⑧⑨⑩\d()（）]+$")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_ENGLISH_TAIL_RE = re.compile(r"[A-Za-z][A-Za-z .,'’\-()]*$")

_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
_ETHNIC = ("蒙古", "柯尔克孜", "哈萨克", "朝鲜", "土家", "布依", "景颇", "傈僳", "哈尼", "纳西",
           "回", "苗", "侗", "藏", "羌", "彝", "白", "傣", "壮", "黎")


def clean_name(name: str) -> str:
    """Normalize a region label as written in a table.

    >>> clean_name("北　京")
    '北京'
    >>> clean_name(" 北 京 Beijing")
    '北京'
    >>> clean_name("#深圳市")
    '深圳市'
    >>> clean_name("Inner  Mongolia")
    'Inner Mongolia'
    """
    s = str(name).strip().strip("\ufeff")
    if _CJK_RE.search(s):
        s = _ENGLISH_TAIL_RE.sub("", s)
        s = _SPACE_RE.sub("", s)
    else:
        s = _SPACE_RE.sub(" ", s).strip()
    if not s.isdigit():
        s = _MARK_RE.sub("", s)
    return s


def _short_forms(name: str, level: str) -> list[str]:
    out = []
    if level == "province":
        for suf in _PROVINCE_SUFFIXES:
            if name.endswith(suf) and len(name) - len(suf) >= 2:
                out.append(name[: -len(suf)])
                break
    elif level == "prefecture":
        if name.endswith("自治州"):
            base = name[:-3]
            changed = True
            while changed:
                changed = False
                for eth in _ETHNIC:
                    for tail in (eth + "族", eth):
                        if base.endswith(tail) and len(base) - len(tail) >= 2:
                            base = base[: -len(tail)]
                            changed = True
                            break
                    if changed:
                        break
            out.append(base)
        else:
            for suf in ("市", "地区", "盟"):
                if name.endswith(suf) and len(name) - len(suf) >= 2:
                    out.append(name[: -len(suf)])
                    break
    return out


@dataclass(frozen=True)
class Division:
    """One row of the division table."""

    code: str
    name: str
    level: str
    parent: str | None


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """All divisions of the shipped table, by code (cached).

    >>> divisions()["440300"].name
    '深圳市'
    >>> divisions()["440304"].parent
    '440300'
    """
    text = resources.files("lqcalc.reference").joinpath("gb2260_divisions.csv").read_text(encoding="utf-8")
    out = {}
    for row in csv.DictReader(text.splitlines()):
        out[row["code"]] = Division(row["code"], row["name"], row["level"], row["parent"] or None)
    return out


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    text = resources.files("lqcalc.reference").joinpath("region_aliases.csv").read_text(encoding="utf-8")
    return {clean_name(r["name"]).casefold(): r["code"] for r in csv.DictReader(text.splitlines())}


def _key(name: str) -> str:
    return clean_name(name).casefold()


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(exact names -> codes, short names -> codes), codes ordered by level."""
    exact: dict[str, list[str]] = {}
    short: dict[str, list[str]] = {}
    for d in divisions().values():
        exact.setdefault(_key(d.name), []).append(d.code)
        for s in _short_forms(d.name, d.level):
            short.setdefault(_key(s), []).append(d.code)
    return exact, short


def _is_descendant(code: str, ancestor: str) -> bool:
    divs = divisions()
    cur = divs.get(code)
    while cur is not None and cur.parent:
        if cur.parent == ancestor:
            return True
        cur = divs.get(cur.parent)
    return False


class AmbiguousRegion(Exception):
    """A name that matches several divisions of the same level."""

    def __init__(self, name: str, codes: list[str]):
        super().__init__(name)
        self.name = name
        self.codes = codes


def load_region_map(path: str | Path) -> dict[str, str]:
    """Read a user mapping file: CSV with columns ``name,code`` (header optional).

    Codes are kept as strings exactly as written.
    """
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"region map not found: {p}", hint="give a CSV file with columns name,code")
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise UsageError(f"region map {p} is neither UTF-8 nor GB18030 text: {exc}") from exc
    out: dict[str, str] = {}
    for i, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise UsageError(f"region map {p}:{i}: expected two columns name,code, got {row!r}")
        name, code = row[0].strip(), row[1].strip()
        if i == 1 and name.lower() == "name" and code.lower() == "code":
            continue
        out[_key(name)] = code
    return out


class RegionResolver:
    """Map region labels to GB/T 2260 codes, with an optional user map that wins.

    Parameters
    ----------
    user_map : dict or path, optional
        Extra or overriding names: ``{name: code}`` or the path of a ``name,code`` CSV.

    Examples
    --------
    >>> RegionResolver({"北京经开区": "110115"}).resolve("北京经开区")
    ('110115', '大兴区')
    >>> RegionResolver().resolve("深圳市福田区")
    ('440304', '福田区')
    >>> RegionResolver().resolve("新疆")
    ('650000', '新疆维吾尔自治区')
    """

    def __init__(self, user_map: dict[str, str] | str | Path | None = None):
        if isinstance(user_map, (str, Path)):
            self.user = load_region_map(user_map)
        else:
            self.user = {_key(k): str(v) for k, v in (user_map or {}).items()}

    def _standard(self, code: str, as_written: str) -> tuple[str, str]:
        if code == REFERENCE_CODE:
            return code, REFERENCE_NAME
        d = divisions().get(code)
        return code, (d.name if d else clean_name(as_written))

    def _pick(self, name: str, codes: list[str], within: str | None = None) -> str | None:
        divs = divisions()
        if within is not None:
            codes = [c for c in codes if _is_descendant(c, within)]
        if not codes:
            return None
        best = min(LEVELS.index(divs[c].level) for c in codes)
        top = sorted({c for c in codes if LEVELS.index(divs[c].level) == best})
        if len(top) > 1:
            raise AmbiguousRegion(name, top)
        return top[0]

    def _lookup(self, key: str, within: str | None = None) -> str | None:
        exact, short = _index()
        if key in exact:
            code = self._pick(key, exact[key], within)
            if code:
                return code
        if key in short:
            code = self._pick(key, short[key], within)
            if code:
                return code
        return None

    def resolve(self, name: str) -> tuple[str, str] | None:
        """``(code, standard name)`` of ``name``, or None when unknown.

        Raises :class:`AmbiguousRegion` when a name matches several divisions of the same
        level (``朝阳区`` is in Beijing and in Changchun).
        """
        key = _key(name)
        if not key:
            return None
        if key in self.user:
            return self._standard(self.user[key], name)
        alias = _aliases().get(key)
        if alias:
            return self._standard(alias, name)
        code = self._lookup(key)
        if code:
            return self._standard(code, name)
        if re.fullmatch(r"\d{6}", key) and key in divisions():
            return self._standard(key, name)
        # qualified names: 广东省深圳市福田区, 深圳市福田区
        within = None
        rest = key
        progressed = True
        while rest and progressed:
            progressed = False
            for cut in range(len(rest) - 1, 1, -1):
                head = rest[:cut]
                try:
                    parent = self._lookup(head, within)
                except AmbiguousRegion:
                    parent = None
                if parent and divisions()[parent].level in ("province", "prefecture"):
                    within, rest = parent, rest[cut:]
                    progressed = True
                    try:
                        code = self._lookup(rest, within)
                    except AmbiguousRegion:
                        code = None
                    if code:
                        return self._standard(code, name)
                    break
        return None

    def known_names(self) -> list[str]:
        """Every standard name, short name and alias (for suggestions)."""
        exact, short = _index()
        names = [d.name for d in divisions().values()]
        text = resources.files("lqcalc.reference").joinpath("region_aliases.csv").read_text(encoding="utf-8")
        aliases = [r["name"] for r in csv.DictReader(text.splitlines())]
        return names + [n for n in short if n not in exact] + aliases + list(self.user)

    def resolve_many(self, labels: list[tuple[str, str | None, int | None]]) -> dict[str, tuple[str, str]]:
        """Resolve ``(label, file, line)`` triples; unknown or ambiguous ones raise one DataError.

        Returns a dict label -> (code, standard name).
        """
        out: dict[str, tuple[str, str]] = {}
        problems: list[Problem] = []
        seen_bad: set[str] = set()
        known: list[str] | None = None
        ambiguous: list[tuple[str, str | None, int | None, AmbiguousRegion]] = []
        for label, file, line in labels:
            if label in out or label in seen_bad:
                continue
            try:
                hit = self.resolve(label)
            except AmbiguousRegion as amb:
                seen_bad.add(label)
                ambiguous.append((label, file, line, amb))
                continue
            if hit is None:
                seen_bad.add(label)
                if known is None:
                    known = self.known_names()
                sugg = closest(clean_name(label), known, n=3)
                problems.append(Problem(
                    "unknown_region", f"unknown region name {label!r}",
                    file=file, line=line, value=label,
                    hint=("did you mean " + " or ".join(repr(s) for s in sugg) + "? " if sugg else "")
                    + "add it to a name,code CSV given with --region-map"))
                continue
            out[label] = hit
        # an ambiguous name is settled by its neighbours: 南山区 next to 福田区 is Shenzhen's
        divs = divisions()
        context = {c for c, _ in out.values()} | {divs[c].parent for c, _ in out.values() if c in divs}
        for label, file, line, amb in ambiguous:
            fits = [c for c in amb.codes if divs[c].parent in context]
            if len(fits) == 1:
                out[label] = self._standard(fits[0], label)
            else:
                cands = ", ".join(f"{c} {divisions()[c].name} (in {self._path(c)})" for c in amb.codes)
                problems.append(Problem(
                    "ambiguous_region", f"region name {label!r} matches several divisions: {cands}",
                    file=file, line=line, value=label,
                    hint="qualify the name (e.g. 北京市朝阳区) or map it with a name,code CSV (--region-map)"))
        if problems:
            raise DataError(f"{len(problems)} region name(s) could not be matched to a GB/T 2260 code", problems)
        return out

    @staticmethod
    def _path(code: str) -> str:
        divs = divisions()
        names = []
        cur = divs.get(code)
        while cur is not None and cur.parent:
            cur = divs.get(cur.parent)
            if cur is not None:
                names.append(cur.name)
        return "/".join(reversed(names)) or "-"
