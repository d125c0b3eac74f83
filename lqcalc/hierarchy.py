"""Code hierarchies: which codes contain which, so that nothing is summed across levels.

Two conventions cover the classifications lqcalc meets:

* prefix codes of different lengths: NAICS ``31-33`` > ``311`` > ``3111``, GB/T 4754 ``13`` > ``131``;
* fixed-length codes (four digits or more) padded with zeros: SOC ``270000`` > ``271000`` > ``271011``,
  GB/T 2260 ``440000`` > ``440300`` > ``440304``, SIC 4-digit ``0910`` (a group with one class).

A code ``a`` is an ancestor of ``b`` when, after removing ``a``'s trailing zeros, ``b`` starts
with it and is longer; range codes like ``31-33`` contain the codes starting with 31, 32 or 33.
Codes made only of zeros (``000000``) and the usual all-industry labels are totals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Labels that name an all-industry (or all-region) total in the sources lqcalc reads.
TOTAL_LABELS = {
    "合计", "总计", "总", "全部", "全部行业", "所有行业", "total", "totals", "all", "all industries",
    "all occupations", "total, all industries", "all industries total", "10",
}

#: Zero-padded nesting (``271000`` > ``271011``) is only read into codes at least this long:
#: two-digit divisions such as GB/T 4754 ``20`` and ``21`` are siblings, not parent and child.
MIN_PADDED_LENGTH = 4

_RANGE = re.compile(r"^(\d+)-(\d+)$")


def _stem(code: str, groups: tuple[int, ...] | None = None) -> str:
    """The significant part of a zero-padded code.

    Without ``groups`` every trailing zero is padding (SOC ``271000`` -> ``271``). With
    ``groups`` (digit groups of a scheme) only whole groups of zeros are: GB/T 2260
    ``131000`` (Langfang, groups 2-2-2) -> ``1310``, ``500000`` (Chongqing) -> ``50``.

    >>> _stem("271000"), _stem("131000", (2, 2, 2)), _stem("500000", (2, 2, 2))
    ('271', '1310', '50')
    """
    if groups and sum(groups) == len(code):
        end = len(code)
        for g in reversed(groups[1:]):
            if code[end - g:end] == "0" * g:
                end -= g
            else:
                break
        return code[:end]
    return code.rstrip("0")


def region_groups(codes: Iterable[str]) -> tuple[int, ...] | None:
    """Digit groups of a region coding scheme recognised from the codes, if any.

    Six-digit codes are GB/T 2260 (province 2, prefecture 2, county 2); five-digit codes are
    U.S. FIPS (state 2, county 3).

    >>> region_groups(["110000", "440300"]), region_groups(["06000", "06001"]), region_groups(["UKC1"])
    ((2, 2, 2), (2, 3), None)
    """
    codes = [c for c in codes if c is not None]
    if not codes or not all(c.isdigit() for c in codes):
        return None
    lengths = {len(c) for c in codes}
    return {frozenset({6}): (2, 2, 2), frozenset({5}): (2, 3)}.get(frozenset(lengths))


def _prefixes(code: str, groups: tuple[int, ...] | None = None) -> list[str]:
    """The stems a code stands for (several for a range such as ``31-33``)."""
    m = _RANGE.match(code)
    if m and len(m.group(1)) == len(m.group(2)):
        lo, hi = int(m.group(1)), int(m.group(2))
        if 0 <= hi - lo <= 20:
            return [str(v).zfill(len(m.group(1))) for v in range(lo, hi + 1)]
    if len(code) >= MIN_PADDED_LENGTH:
        return [_stem(code, groups)]
    return [code]


def looks_like_total(code: str, name: str | None = None) -> bool:
    """Whether a code (or its name) is an all-industry / all-region total.

    >>> looks_like_total("000000"), looks_like_total("合计"), looks_like_total("0161")
    (True, True, False)
    """
    c = code.strip()
    if c and set(c) == {"0"}:
        return True
    for label in (c, (name or "").strip()):
        if label.lower() in TOTAL_LABELS - {"10"} or label in TOTAL_LABELS - {"10"}:
            return True
    return False


def nested_pairs(codes: Iterable[str], limit: int = 10, groups: tuple[int, ...] | None = None) -> list[tuple[str, str]]:
    """Pairs (parent, child) of codes where one contains the other (at most ``limit``).

    ``groups`` gives the digit groups of a fixed-length scheme (see :func:`region_groups`);
    without it every trailing zero of a code of four digits or more is padding.

    >>> nested_pairs(["270000", "271000", "271011", "110000"])
    [('270000', '271000'), ('270000', '271011'), ('271000', '271011')]
    >>> nested_pairs(["0161", "0162", "5811"])
    []
    >>> nested_pairs(["31-33", "311", "42"])
    [('31-33', '311')]
    >>> nested_pairs(["10", "20", "21", "13", "131"])
    [('13', '131')]
    >>> nested_pairs(["500000", "510000", "131000", "131100", "131002"], groups=(2, 2, 2))
    [('131000', '131002')]
    """
    codes = sorted({str(c) for c in codes if c is not None})
    digit_codes = [c for c in codes if c.isdigit()]
    by_len: dict[int, set[str]] = {}
    for c in digit_codes:
        by_len.setdefault(len(c), set()).add(c)
    pairs: list[tuple[str, str]] = []
    # index codes by every prefix so each candidate parent is checked in O(len)
    prefix_index: dict[str, list[str]] = {}
    for c in digit_codes:
        for k in range(1, len(c) + 1):
            prefix_index.setdefault(c[:k], []).append(c)
    for parent in codes:
        if parent and set(parent) == {"0"}:
            continue  # an all-zero code is a total, reported separately
        for stem in _prefixes(parent, groups):
            if not stem.isdigit() or not stem:
                continue
            for child in prefix_index.get(stem, []):
                if child == parent:
                    continue
                if _RANGE.match(parent) or len(child) > len(parent) or (
                    len(parent) >= MIN_PADDED_LENGTH
                    and len(child) == len(parent)
                    and len(_stem(child, groups)) > len(stem)
                ):
                    pairs.append((parent, child))
                    if len(pairs) >= limit:
                        return pairs
    return pairs


def leaf_codes(codes: Iterable[str], groups: tuple[int, ...] | None = None) -> set[str]:
    """The codes that contain no other code of the set.

    >>> sorted(leaf_codes(["270000", "271000", "271011", "110000"]))
    ['110000', '271011']
    """
    codes = {str(c) for c in codes if c is not None}
    parents = {p for p, _ in nested_pairs(codes, limit=10**9, groups=groups)}
    return {c for c in codes if c not in parents and not (c and set(c) == {"0"})}


def parent_map(codes: Iterable[str], groups: tuple[int, ...] | None = None) -> dict[str, str]:
    """Each code's nearest ancestor among ``codes`` (codes without one are left out).

    >>> parent_map(["440000", "440300", "440304", "110000"])
    {'440300': '440000', '440304': '440300'}
    >>> parent_map(["130000", "131000", "131100", "131002"], groups=(2, 2, 2))
    {'131000': '130000', '131002': '131000', '131100': '130000'}
    """
    codes = {str(c) for c in codes if c is not None}
    ancestors: dict[str, list[str]] = {}
    for p, c in nested_pairs(codes, limit=10**9, groups=groups):
        ancestors.setdefault(c, []).append(p)
    # the nearest ancestor is the one with the longest stem
    return {c: max(ps, key=lambda p: (len(_stem(p, groups)), len(p))) for c, ps in sorted(ancestors.items())}
