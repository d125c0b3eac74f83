"""The output tables of a run, built one partition (a set of whole years) at a time.

Why this module is long: which years each table needs, what is kept between partitions and
the order tables are handed to the writer belong together in :class:`TableBuilder`.

Every table of :mod:`lqcalc.tables` is computed within one year (``indicators``,
``regions``, ``industries``, ``intensity``) except three: ``growth`` pairs a start and an end
year, ``clusters`` needs the end year and its growth, ``targets`` reads a few series across
years. :class:`TableBuilder` therefore takes the base frame (:func:`lqcalc.totals.attach_totals`)
of each partition in turn, returns that partition's rows of every table, keeps the base rows
of the start years that a later partition will need, and computes the growth of a period
when its end year arrives. A table given in one partition gives exactly the tables of
:func:`build_tables`; given in several, the same rows (in partition order).
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from lqcalc.config import RunConfig
from lqcalc.errors import UsageError, did_you_mean
from lqcalc.metrics import clusters as cl
from lqcalc.tables.base import establishments_measure, total_code_of, total_name_of, years_of
from lqcalc.tables.clusters import cluster_table
from lqcalc.tables.codes import CODES, with_codes
from lqcalc.tables.growth import growth_periods, growth_table
from lqcalc.tables.indicators import indicator_table
from lqcalc.tables.industries import industry_table
from lqcalc.tables.intensity import intensity_table
from lqcalc.tables.regions import region_table
from lqcalc.tables.selection import ALL_TABLES, NEEDS, OPTIONAL_TABLES, PARTITION_TABLES, selected_tables, switches_of
from lqcalc.tables.targets import parse_target, targets_table

_CODE_COLS = list(CODES.values())

#: Base columns the growth table reads (kept for the start years of later periods).
_GROWTH_COLS = ["region", "region_name", "industry", "industry_name", "year", "measure", "unit", "value",
                "region_total", "reference_value", "reference_total", "is_reference_region", "is_total_industry",
                "is_leaf"]


def _measures(base: pl.DataFrame) -> list[str]:
    # measures come in long runs: the unique is taken over the runs
    return (base.select(pl.col("measure").rle().struct.field("value").unique(maintain_order=True))["value"]
            .drop_nulls().to_list())


class TableBuilder:
    """Build the tables of a run from the base frame of each partition in turn.

    Parameters
    ----------
    cfg : RunConfig
        Uses ``base_year``, ``end_year``, ``dynamic``, ``intensity``, ``targets``,
        ``region_hierarchy`` and ``clusters``.
    years : list of int
        Every year of the whole input (the growth periods are chosen from them).
    measures : list of str
        Every measure of the whole input.

    Examples
    --------
    >>> from lqcalc.totals import attach_totals
    >>> from lqcalc.schema import conform
    >>> t = conform(pl.DataFrame({"region": ["A", "B"] * 2, "industry": "x", "measure": "emp",
    ...                           "year": [2020, 2020, 2021, 2021], "value": [1.0, 3.0, 2.0, 2.0]}))
    >>> b = TableBuilder(RunConfig(), years=[2020, 2021], measures=["emp"])
    >>> first = b.add(attach_totals(t.filter(pl.col("year") == 2020)).base)
    >>> first["growth"].height                         # the period ends in 2021
    0
    >>> last = b.add(attach_totals(t.filter(pl.col("year") == 2021)).base)
    >>> last["growth"].filter(pl.col("industry") == "x").select("region", "growth").rows()
    [('A', 1.0), ('B', -0.33333333333333337)]
    """

    def __init__(self, cfg: RunConfig, years: list[int], measures: list[str]):
        self.cfg = cfg
        self.settings = cl.cluster_settings(cfg.clusters)
        self.plant_measure = self.settings["plant_hhi_measure"]
        if self.plant_measure and self.plant_measure not in measures:
            raise UsageError(f"[clusters] plant_hhi_measure {self.plant_measure!r} is not a measure of the input",
                             hint=did_you_mean(self.plant_measure, measures) or None)
        self.estab = establishments_measure([m for m in measures if m != self.plant_measure],
                                            self.settings["establishments_measure"])
        self.years = sorted(years)
        self.periods = growth_periods(self.years, cfg.base_year, cfg.end_year, cfg.dynamic)
        if not self.years:
            self.end_year = None
        else:
            self.end_year = int(cfg.end_year) if cfg.end_year is not None and len(self.years) >= 2 else self.years[-1]
        self.wanted = set(selected_tables(getattr(cfg, "tables", None), switches_of(cfg)))
        self.computed = set(self.wanted).union(*(NEEDS.get(t, set()) for t in self.wanted))
        # eci / pci go into regions and industries with --complexity
        self.complexity = bool(getattr(cfg, "complexity", False)) or bool({"relatedness", "proximity"} & self.wanted)
        if self.complexity:
            self.computed.add("indicators")
        self.spatial_done = False
        self._weights: tuple | None = None
        self.targets = ([{**parse_target(s), "spec": s} for s in cfg.targets or []]
                        if "targets" in self.wanted else [])
        self._cache: dict[int, pl.DataFrame] = {}
        self._target_rows: list[pl.DataFrame] = []
        self._growth_schema_done = False
        self._total_code: str | None = None
        self._total_name: str | None = None
        self._no_clusters: tuple[pl.DataFrame, pl.DataFrame] | None = None
        self.clusters_done = False

    # ------------------------------------------------------------------ partitions
    def needs(self, years: tuple | list) -> bool:
        """Whether a partition of these ``years`` contributes a row to a table asked for.

        Every table but ``growth`` has rows in every year; growth only reads the start and
        end years of its periods, so a run of ``--tables growth`` need not compute the years
        between (they are still read and validated).

        >>> cfg = RunConfig(tables=["growth"])
        >>> b = TableBuilder(cfg, years=[2018, 2019, 2020], measures=["emp"])
        >>> b.needs((2018,)), b.needs((2019,)), b.needs((2019, 2020))
        (True, False, True)
        >>> TableBuilder(RunConfig(), years=[2018, 2019, 2020], measures=["emp"]).needs((2019,))
        True
        """
        return bool(self.needed_years(years))

    def needed_years(self, years: tuple | list) -> list:
        """The years of a partition that give a table asked for rows (see :meth:`needs`); the
        run computes denominators for these only.

        >>> TableBuilder(RunConfig(tables=["growth"]), years=[2018, 2019, 2020], measures=["e"]).needed_years((2018, 2019))
        [2018]
        """
        if self.computed != {"growth"} or self.targets or self.periods.height == 0:
            return list(years)
        used = set(self.periods["start_year"].to_list()) | set(self.periods["end_year"].to_list())
        return [y for y in years if y is None or y in used]

    def last_rows(self, name: str, years: tuple | list) -> bool:
        """Whether a partition of these ``years`` gives the last rows of table ``name``:
        growth in the partition of the last period's end year, clusters in the end year's
        (no later partition has rows of them).

        >>> b = TableBuilder(RunConfig(), years=[2018, 2019, 2020], measures=["emp"])
        >>> b.last_rows("growth", (2019,)), b.last_rows("growth", (2020,)), b.last_rows("indicators", (2020,))
        (False, True, False)
        """
        if name == "growth" and self.periods.height:
            return int(self.periods["end_year"].max()) in years
        if name in ("clusters", "spatial") and self.end_year is not None:
            return self.end_year in years
        return False

    def add(self, base: pl.DataFrame) -> dict[str, pl.DataFrame]:
        """The rows of every partition table for the base frame ``base`` (whole years)."""
        out = dict(self.tables_of(base))
        return {name: out[name] for name in PARTITION_TABLES if name in out}

    def tables_of(self, base: pl.DataFrame, label_codes: bool = False) -> Iterator[tuple[str, pl.DataFrame]]:
        """``(name, rows)`` of every partition table for ``base``, each as soon as it is
        computed, so that the caller can write it and let it go before the next one is
        built (in the end year, growth is handed over before the indicator table exists,
        and clusters read only the few growth columns they use).

        ``label_codes``: the code columns of ``base`` are the validation rules' (positions
        among the labels of the whole table); the ``indicators`` rows then keep ``_rc``
        and ``_ic`` as their last columns, for the writer to write region and industry
        from them (:func:`lqcalc.pipeline.run` drops them).
        """
        plant_hhi = None
        if self.plant_measure:
            pm = self.plant_measure
            plant_hhi = (base.filter(pl.col("measure") == pm).group_by(["industry", "year"])
                         .agg(pl.col("value").drop_nulls().first().alias("_plant_hhi")))
            base = base.filter(pl.col("measure") != pm)
        self._note_total(base)
        base = with_codes(base)  # every string key encoded once; the tables join and group on the codes
        present = set(base["year"].unique().to_list())
        want = self.computed.__contains__
        wanted = self.wanted.__contains__
        # the regional indices first: their temporaries peak before the large tables exist
        held_regions = None   # with --complexity, regions wait for the eci of the indicators
        if want("regions"):
            regions = region_table(base, self.settings)
            if wanted("regions") and self.complexity:
                held_regions = regions
            elif wanted("regions"):
                yield "regions", regions
            del regions
        cluster_growth: pl.DataFrame | None = None
        growth_head: pl.DataFrame | None = None
        if want("growth"):
            growth, joint = self._growth(base, present, label_codes)
            # start years that no later period needs: let them go before the large tables exist
            self._prune_cache(self._still_needed(present))
            plain_growth = growth.drop(_CODE_COLS, strict=False)
            if want("clusters") and self.end_year in present:
                # what cluster_table reads; codes only when they share the encoding of base
                src = growth if joint else plain_growth
                cluster_growth = src.filter((pl.col("period") == "total") & ~pl.col("is_total_industry")).select(
                    *[c for c in (*CODES, *CODES.values()) if c in src.columns], "period", "is_total_industry",
                    "growth", "cagr", "reference_growth", "relative_growth")
            elif want("clusters") and self._no_clusters is None:
                growth_head = plain_growth.head(0)
            del growth
            if wanted("growth"):
                yield "growth", plain_growth
            del plain_growth
        indicators = indicator_table(base, self.cfg.region_hierarchy) if want("indicators") else None
        parts = None
        if self.complexity and indicators is not None:
            from lqcalc.tables.relatedness import complexity_parts, with_region_complexity

            parts = complexity_parts(indicators, self.settings["mcp_threshold"])
            if held_regions is not None:
                yield "regions", with_region_complexity(held_regions, parts)
        del held_regions
        if want("industries"):
            industries = industry_table(indicators, self.settings, self.estab, plant_hhi)
            if parts is not None:
                from lqcalc.tables.relatedness import with_industry_complexity

                industries = with_industry_complexity(industries, parts)
            if wanted("industries"):
                yield "industries", industries
            del industries
        if cluster_growth is not None:
            assert indicators is not None
            ind = indicators if joint else indicators.drop(_CODE_COLS)
            clusters = cluster_table(ind, cluster_growth, self.settings, self.estab, self.end_year)
            del ind, cluster_growth
            self.clusters_done = True
            if wanted("spatial"):
                clusters, spatial = self._spatial(clusters)
                yield "spatial", spatial
            if wanted("clusters"):
                yield "clusters", clusters
            del clusters
        elif growth_head is not None and indicators is not None:
            self._no_clusters = (indicators.head(0).drop(_CODE_COLS), growth_head)
        if parts is not None:
            if wanted("relatedness"):
                yield "relatedness", parts.relatedness
            if wanted("proximity"):
                from lqcalc.tables.proximity import proximity_table

                yield "proximity", proximity_table(parts)
            del parts
        if indicators is not None:
            plain_ind = indicators.drop(CODES["measure"] if label_codes else _CODE_COLS)
            del indicators
            if wanted("indicators"):
                yield "indicators", plain_ind
            del plain_ind
        plain = base.drop(_CODE_COLS)
        if want("intensity"):
            intensity = intensity_table(plain, list(self.cfg.intensity or []))
            if wanted("intensity"):
                yield "intensity", intensity
            del intensity
        if self.targets:
            wanted_m = {t["measure"] for t in self.targets}
            where = {t["region"] for t in self.targets}
            self._target_rows.append(plain.filter(pl.col("measure").is_in(sorted(wanted_m))
                                                  & (pl.col("region").is_in(sorted(where))
                                                     | pl.col("region_name").is_in(sorted(where)))))
        if want("growth"):
            self._keep_start_years(base, present, label_codes)

    def finish(self) -> dict[str, pl.DataFrame]:
        """The tables that need every partition: ``targets``."""
        rows = (pl.concat(self._target_rows, how="vertical_relaxed") if self._target_rows
                else pl.DataFrame(schema={c: pl.String for c in ("measure", "region", "region_name")}))
        if self.targets and not self._target_rows:
            raise UsageError("--target: the input has no rows")
        targets = targets_table(rows, [t["spec"] for t in self.targets], self._total_code or "*")
        self._cache.clear()
        self._target_rows.clear()
        out = {"targets": targets} if "targets" in self.wanted else {}
        if "clusters" in self.wanted and not self.clusters_done and self._no_clusters is not None:
            # the end year had no row left (rejected): the table exists, without rows
            ind, g = self._no_clusters
            out["clusters"] = cluster_table(ind, g, self.settings, self.estab, self.end_year)
        if "spatial" in self.wanted and not self.spatial_done and self._no_clusters is not None:
            ind, g = self._no_clusters
            out["clusters"], out["spatial"] = self._spatial(cluster_table(ind, g, self.settings, self.estab,
                                                                          self.end_year))
        return out

    def _spatial(self, clusters: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """``clusters`` with the LISA rule, and the ``spatial`` table (:mod:`lqcalc.tables.spatial`)."""
        from lqcalc.tables.spatial import spatial_parts, spatial_weights

        if self._weights is None:   # (weights, None) or (None, why there are none)
            self._weights = spatial_weights(sorted(clusters["region"].unique().drop_nulls().to_list()),
                                            self.settings, getattr(self.cfg, "weights", None))
        self.spatial_done = True
        return spatial_parts(clusters, *self._weights, self.settings)

    # ------------------------------------------------------------------ helpers
    def _note_total(self, base: pl.DataFrame) -> None:
        code = total_code_of(base)
        if self._total_code in (None, "*"):
            self._total_code = code
        if self._total_name is None:
            self._total_name = total_name_of(base)

    def _growth(self, base: pl.DataFrame, present: set, label_codes: bool = False) -> tuple[pl.DataFrame, bool]:
        """Growth rows of the periods ending in this partition, and whether their code
        columns share the encoding of ``base``.

        With ``label_codes`` (and start years kept with theirs), the start and end rows keep
        the rules' codes of region, industry and measure, which every partition shares:
        growth does not encode the strings of two years again (22M rows: 0.35-0.5 s), and
        its codes share the encoding of ``base``, so clusters join on them."""
        p = self.periods
        due = p.filter(pl.col("end_year").is_in(sorted(y for y in present if y is not None)))
        if due.height == 0:
            if p.height == 0 and not self._growth_schema_done:
                self._growth_schema_done = True
                return growth_table(base, p, self._total_code or "*", self._total_name), True
            return _empty_like_growth(base, self._total_code or "*", self._total_name), True
        starts = sorted(set(due["start_year"].to_list()) - present)
        if not starts:
            return growth_table(base, due, self._total_code or "*", self._total_name), True
        missing = [y for y in starts if y not in self._cache]
        if missing:  # pragma: no cover - partitions come in year order
            raise RuntimeError(f"start years {missing} were not kept")
        coded = label_codes and all(_CODE_COLS[0] in self._cache[y].columns for y in starts)
        keep = _GROWTH_COLS + (_CODE_COLS if coded else [])
        frame = pl.concat([*(self._cache[y].select(keep) for y in starts), base.select(keep)], how="vertical_relaxed")
        return growth_table(frame, due, self._total_code or "*", self._total_name), coded

    def _still_needed(self, present: set) -> set | None:
        """Start years of the periods that end after this partition (None: no period)."""
        p = self.periods
        last_here = max((y for y in present if y is not None), default=None)
        if p.height == 0 or last_here is None:
            return None
        return set(p.filter(pl.col("end_year") > last_here)["start_year"].to_list())

    def _prune_cache(self, still: set | None) -> None:
        """Drop the kept start years that are not in ``still`` (None: keep the cache as is)."""
        if still is None:
            return
        for y in list(self._cache):
            if y not in still:
                del self._cache[y]

    def _keep_start_years(self, base: pl.DataFrame, present: set, label_codes: bool = False) -> None:
        """Keep the rows of the years in ``present`` that a later period starts from (the
        growth columns, and the code columns when they are the rules' ``label_codes``)."""
        still = self._still_needed(present)
        if still is None:
            return
        self._prune_cache(still)
        keep = _GROWTH_COLS + (_CODE_COLS if label_codes else [])
        for y in sorted(still & present):
            self._cache[y] = base.filter(pl.col("year") == y).select(keep)


def _empty_like_growth(base: pl.DataFrame, total_code: str, total_name: str | None) -> pl.DataFrame:
    """A growth table with no rows (a partition in which no period ends)."""
    none = growth_periods([], None, None, False)
    return growth_table(base.head(0), none, total_code, total_name)


def build_all(base: pl.DataFrame, cfg: RunConfig) -> dict[str, pl.DataFrame]:
    """Every table of a run from one base frame (one partition)."""
    b = TableBuilder(cfg, years=years_of(base), measures=_measures(base))
    tables = b.add(base)
    tables.update(b.finish())
    return tables


def build_tables(base: pl.DataFrame, cfg: RunConfig) -> dict[str, pl.DataFrame]:
    """The indicator tables of a run, keyed by output name.

    Parameters
    ----------
    base : pl.DataFrame
        The base frame of :func:`lqcalc.totals.attach_totals` (tidy columns plus
        ``region_total``, ``reference_value``, ``reference_total``, ``is_reference_region``,
        ``is_total_industry``, ``is_leaf``).
    cfg : RunConfig
        Uses ``base_year``, ``end_year``, ``dynamic``, ``intensity``, ``targets``,
        ``region_hierarchy`` and ``clusters`` (see :mod:`lqcalc.metrics.clusters`).

    Returns
    -------
    dict
        ``indicators``, ``regions``, ``industries``, ``growth``, ``clusters``, ``intensity``,
        ``targets``.

    Examples
    --------
    >>> from lqcalc.totals import attach_totals
    >>> from lqcalc.schema import conform
    >>> t = conform(pl.DataFrame({"region": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"],
    ...                           "measure": "emp", "value": [1.0, 3.0, 2.0, 2.0]}))
    >>> tables = build_tables(attach_totals(t).base, RunConfig())
    >>> tables["indicators"].select("region", "industry", "lq").rows()
    [('A', 'x', 0.6666666666666666), ('A', 'y', 1.2), ('B', 'x', 1.3333333333333333), ('B', 'y', 0.8)]
    """
    tables = build_all(base, cfg)
    return {name: tables[name] for name in
            ("indicators", "regions", "industries", "growth", "clusters", "intensity", "targets")}


__all__ = ["TableBuilder", "PARTITION_TABLES", "ALL_TABLES", "OPTIONAL_TABLES", "selected_tables", "build_all",
           "build_tables"]
