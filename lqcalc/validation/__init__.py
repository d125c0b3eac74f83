"""Validation of the tidy table before any indicator is computed.

:func:`validate_tidy` runs lqcalc's polars rules (:mod:`lqcalc.validation.checks`) and,
when asked (``cfg.gx``), the Great Expectations suite (:mod:`lqcalc.validation.suite`), and
returns a :class:`~lqcalc.validation.report.ValidationReport`. :func:`gate` applies the
``--on-invalid`` policy for a run:

* ``fail`` (default): any error raises :class:`~lqcalc.errors.DataError` (exit 3) after the
  report was written next to the would-be output directory (``DIR.validation.html`` and
  ``DIR.validation.json``) or to ``--report PATH``; nothing else is written.
* ``quarantine``: rows failing a rule are set aside with their reasons (``rejected``, to be
  written as ``DIR/rejected.parquet``) and the run continues with the others. A table that
  is unusable as a whole (missing / mistyped column) or with no row left still fails.

A table too large for memory is validated one partition (a set of whole years) at a time:
:func:`validation_context` collects the few whole-table facts that rules across years need
(units per measure, distinct labels), :class:`PartitionGate` validates each partition
against them and applies the policy, and :func:`merge_reports` gives the report of the
whole table — the same verdict, counts, findings and warnings as validating it at once.

Rules and their ids are listed in :mod:`lqcalc.validation.rules`.
"""

from lqcalc.validation.context import ValidationContext, validation_context
from lqcalc.validation.merge import merge_reports
from lqcalc.validation.policy import GateResult, PartitionGate, gate
from lqcalc.validation.report import ValidationReport, failure_report_paths, report_paths
from lqcalc.validation.rules import RULES
from lqcalc.validation.validate import validate_tidy

__all__ = ["validate_tidy", "gate", "GateResult", "ValidationReport", "RULES", "report_paths", "merge_reports",
           "PartitionGate", "ValidationContext", "validation_context", "failure_report_paths"]
