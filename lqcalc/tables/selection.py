"""Which output tables a run writes: every table's name, the optional ones and their switches
(``--complexity``, ``--spatial``), and the tables each is computed from."""

from __future__ import annotations

from typing import Any

from lqcalc.errors import UsageError, did_you_mean

#: Tables produced partition by partition (``targets`` comes at the builder's ``finish``).
PARTITION_TABLES = ["indicators", "regions", "industries", "growth", "clusters", "intensity", "relatedness",
                    "proximity", "spatial"]

#: Every output table of a run, in the order of the output directory.
ALL_TABLES = ["indicators", "regions", "industries", "growth", "clusters", "targets", "intensity", "relatedness",
              "proximity", "spatial"]

#: Tables written only when asked for: by their switch (``--complexity``, ``--spatial``) or by name.
OPTIONAL_TABLES = {"relatedness": "complexity", "proximity": "complexity", "spatial": "spatial"}

#: Tables another table is computed from.
NEEDS = {"industries": {"indicators"}, "clusters": {"indicators", "growth"}, "relatedness": {"indicators"},
         "proximity": {"indicators"}, "spatial": {"indicators", "growth", "clusters"}}


def selected_tables(names: list[str] | None, switches: tuple[str, ...] = ()) -> list[str]:
    """The output tables a run writes (``--tables``; without it every table but the optional
    ones), with the optional tables of the ``switches`` that are on (``complexity``, ``spatial``).

    >>> selected_tables(["growth", "indicators"])
    ['indicators', 'growth']
    >>> selected_tables([])[:3], selected_tables([])[-1]
    (['indicators', 'regions', 'industries'], 'intensity')
    >>> selected_tables([], ("complexity",))[-2:]
    ['relatedness', 'proximity']
    >>> selected_tables(["cluster"])
    Traceback (most recent call last):
    lqcalc.errors.UsageError: --tables: no table named 'cluster'
    """
    on = {t for t, switch in OPTIONAL_TABLES.items() if switch in switches}
    if not names:
        return [t for t in ALL_TABLES if t not in OPTIONAL_TABLES or t in on]
    flat = [n.strip() for name in names for n in str(name).split(",") if n.strip()]
    for n in flat:
        if n not in ALL_TABLES:
            raise UsageError(f"--tables: no table named {n!r}",
                             hint=did_you_mean(n, ALL_TABLES) or "tables: " + ", ".join(ALL_TABLES))
    return [t for t in ALL_TABLES if t in flat or t in on]


def switches_of(cfg: Any) -> tuple[str, ...]:
    """The switches of a :class:`lqcalc.config.RunConfig` that add optional tables.

    >>> from lqcalc.config import RunConfig
    >>> switches_of(RunConfig(spatial=True))
    ('spatial',)
    """
    return tuple(k for k in ("complexity", "spatial") if getattr(cfg, k, False))
