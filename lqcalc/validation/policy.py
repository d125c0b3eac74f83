"""The ``--on-invalid`` policy of a run: :func:`gate` (the whole table at once) and
:class:`PartitionGate` (one partition at a time).

* ``fail`` (default): any error raises :class:`~lqcalc.errors.DataError` (exit 3) after the
  report was written next to the would-be output directory (``DIR.validation.html`` and
  ``DIR.validation.json``) or to ``--report PATH``; nothing else is written.
* ``quarantine``: rows failing a rule are set aside with their reasons (``rejected``, to be
  written as ``DIR/rejected.parquet``) and the run continues with the others. A table that
  is unusable as a whole (missing / mistyped column) or with no row left still fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lqcalc import schema
from lqcalc.config import RunConfig
from lqcalc.validation.context import ValidationContext
from lqcalc.validation.merge import merge_reports
from lqcalc.validation.report import ValidationReport, empty_rejected, failure_report_paths, report_paths
from lqcalc.validation.validate import validate_tidy


@dataclass
class GateResult:
    """What :func:`gate` and :meth:`PartitionGate.finish` hand back to the pipeline.

    From :meth:`PartitionGate.finish`, ``good`` and ``rejected`` are empty: the rows were
    handed out partition by partition by :meth:`PartitionGate.check`; ``rows_used`` and
    ``rows_rejected`` count them.
    """

    good: pl.DataFrame          # rows to compute with (tidy columns)
    rejected: pl.DataFrame      # tidy columns + rule + reason (empty when nothing rejected)
    report: ValidationReport
    report_files: list[str]     # report files written by gate (only on failure)
    rows_used: int = 0
    rows_rejected: int = 0


class PartitionGate:
    """``--on-invalid`` applied partition by partition.

    Every partition is validated against the whole table's ``context``; the report of the
    run is the merge of the partitions' reports (:func:`merge_reports`) and equals that of
    validating the whole table at once.

    * ``fail``: once an error is seen, :meth:`check` returns None for the rows to compute
      with (the run will fail) but still validates, so that the report lists every problem;
      :meth:`finish` writes the report and raises the DataError.
    * ``quarantine``: rows failing a rule are handed back as rejected rows with their
      reasons; the others are computed with. A structurally unusable table, or no row left
      over all partitions, still fails.

    Parameters
    ----------
    cfg : RunConfig
        ``on_invalid``, ``out``, ``lang``, the reference / total and the tolerance.
    context : ValidationContext
        :func:`validation_context` of the whole input.
    report : str or Path, optional
        ``--report PATH`` (where the report of a failed run goes, see :func:`gate`).

    Examples
    --------
    >>> from lqcalc.validation import validation_context
    >>> t = pl.DataFrame({"region": ["A", "B", "A", "B"], "industry": "x", "year": [2020, 2020, 2021, 2021],
    ...                   "measure": "emp", "value": [1.0, 2.0, 3.0, -4.0]})
    >>> pg = PartitionGate(RunConfig(on_invalid="quarantine"), validation_context(t))
    >>> [(g.height, r.height) for g, r in (pg.check(p) for p in t.partition_by("year"))]
    [(2, 0), (1, 1)]
    >>> res = pg.finish()
    >>> res.report.ok, res.rows_used, res.rows_rejected
    (False, 3, 1)
    """

    def __init__(self, cfg: RunConfig, context: ValidationContext | None, *, report: str | Path | None = None,
                 max_listed: int = 50) -> None:
        self.cfg = cfg
        self.context = context
        self.report_target = report
        self.max_listed = max_listed
        self._reports: list[ValidationReport] = []
        self._failed = False
        self.rows_used = 0
        self.rows_rejected = 0

    @property
    def failed(self) -> bool:
        """True once the run is bound to fail (fail mode and an error seen, or a fatal problem)."""
        return self._failed

    def check(self, part: pl.DataFrame) -> tuple[pl.DataFrame | None, pl.DataFrame]:
        """Validate one partition: (rows to compute with, rejected rows [tidy columns + rule + reason]).

        The rows to compute with have the tidy columns and the integer codes the rules gave
        region, industry and measure (``_rc``, ``_ic``, ``_mc``; see
        :meth:`ValidationReport.coded`), which the indicators use instead of coding the
        strings again.

        The first is None once the run is bound to fail (fail mode and an error seen so far,
        or a fatal structural problem): the caller then stops computing but keeps calling
        :meth:`check` on the remaining partitions so that the report lists every problem.
        In fail mode nothing is set aside (the rejected rows are empty).
        """
        rep = validate_tidy(part, self.cfg, context=self.context, max_listed=self.max_listed)
        good: pl.DataFrame | None
        rejected = empty_rejected()
        if rep.fatal:
            self._failed = True
            good = None
        elif rep.ok:
            good = rep.coded(rep._tidy) if rep._tidy is not None else schema.conform(part)
        elif self.cfg.on_invalid == "quarantine":
            good, rejected = rep.split()
            good = rep.coded(good)
        else:
            self._failed = True
            good = None
        self._reports.append(rep.slim())
        if self._failed:
            good = None
        else:
            assert good is not None
            self.rows_used += good.height
            self.rows_rejected += rejected.height
        return good, rejected

    def finish(self) -> GateResult:
        """The merged report.

        Raises the same :class:`~lqcalc.errors.DataError` as :func:`gate` (writing the
        failure report files exactly as :func:`gate` does) when the run fails, including
        quarantine with no good row left overall.
        """
        rep = merge_reports(self._reports, max_listed=self.max_listed)
        quarantine = self.cfg.on_invalid == "quarantine" and not rep.fatal
        if rep.ok or (quarantine and self.rows_used > 0):
            return GateResult(schema.empty(), empty_rejected(), rep, [], self.rows_used, self.rows_rejected)
        cfg = self.cfg
        if self.report_target is not None:
            html_p, json_p = report_paths(self.report_target)
        elif cfg.out:
            html_p, json_p = failure_report_paths(cfg.out)
        else:
            html_p = json_p = None
        files = rep.write(html_p, json_p, lang=cfg.lang) if html_p else []
        err = rep.to_data_error(files, lang=cfg.lang)
        if quarantine:
            err.message = "every row was rejected: " + err.message
            err.args = (err.message,)
        raise err


def gate(tidy: pl.DataFrame, cfg: RunConfig, *, report: str | Path | None = None) -> GateResult:
    """Validate ``tidy`` and apply ``cfg.on_invalid``; the whole table as one partition.

    On failure the report is written to ``report`` (``--report PATH``, see
    :func:`report_paths`) or, when not given and ``cfg.out`` is set, next to the output
    directory (:func:`failure_report_paths`), in ``cfg.lang``; then a DataError (exit 3) is
    raised whose hint names the files. On success nothing is written: the pipeline writes
    ``report.write(DIR / "validation.html", DIR / "validation.json")`` with its outputs.
    """
    pg = PartitionGate(cfg, None, report=report)
    good, rejected = pg.check(tidy)
    res = pg.finish()
    assert good is not None
    res.good, res.rejected = good.drop(list(schema.CODES.values()), strict=False), rejected   # the tidy columns
    return res
