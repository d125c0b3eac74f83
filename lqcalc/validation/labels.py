"""Labels the rules compare: spelling-insensitive keys of region and industry labels
(:func:`normalize_label`, :func:`spelling_groups`) and the leaf industries of a code list
(:func:`leaf_labels`). Used by the whole-table facts (:mod:`lqcalc.validation.context`)."""

from __future__ import annotations

import unicodedata

# Chinese administrative suffixes, longest first: 内蒙古自治区 / 内蒙古, 北京市 / 北京.
_ADMIN_SUFFIXES = sorted(
    ["省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "地区", "自治州", "盟"],
    key=len, reverse=True,
)


def normalize_label(text: str, *, region: bool) -> str:
    """A spelling-insensitive key: width, case, spaces, punctuation, admin suffixes, zeros.

    >>> normalize_label("内蒙古自治区", region=True) == normalize_label("内蒙古", region=True)
    True
    >>> normalize_label("  New  York ", region=True) == normalize_label("new york", region=True)
    True
    >>> normalize_label("0161", region=False) == normalize_label("161", region=False)
    True
    >>> normalize_label("31-33", region=False) == normalize_label("31", region=False)
    False
    """
    t = unicodedata.normalize("NFKC", text).casefold()
    t = "".join(ch for ch in t if not unicodedata.category(ch)[0] in "PZ" and not ch.isspace())
    if region:
        for suf in _ADMIN_SUFFIXES:
            if t.endswith(suf) and len(t) > len(suf) + 1:
                t = t[: -len(suf)]
                break
    if t.isdigit():
        t = t.lstrip("0") or "0"
    return t


def spelling_groups(labels: list[str], *, region: bool) -> dict[str, list[str]]:
    """Labels that share a normalized key with another label: ``{label: [other spellings]}``.

    >>> spelling_groups(["内蒙古", "内蒙古自治区", "北京市"], region=True)
    {'内蒙古': ['内蒙古自治区'], '内蒙古自治区': ['内蒙古']}
    """
    by_key: dict[str, list[str]] = {}
    for lab in labels:
        if lab is None:
            continue
        by_key.setdefault(normalize_label(lab, region=region), []).append(lab)
    out: dict[str, list[str]] = {}
    for group in by_key.values():
        if len(group) > 1:
            for lab in group:
                out[lab] = [o for o in group if o != lab]
    return out


def leaf_labels(codes: list[str]) -> list[str]:
    """The leaf codes among ``codes`` (no other code nests in them), sorted; nulls dropped.

    >>> leaf_labels(["01", "011", "012", None, "02"])
    ['011', '012', '02']
    """
    try:
        from lqcalc.hierarchy import leaf_codes
    except ImportError:  # pragma: no cover - hierarchy module not present
        return [c for c in codes if c is not None]
    return sorted(leaf_codes([c for c in codes if c is not None]))
