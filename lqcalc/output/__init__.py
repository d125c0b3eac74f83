"""Writers of an output directory.

:func:`write_analyst_outputs` (:mod:`lqcalc.output.analyst`) writes what an analyst takes
away from a run: the DuckDB database (:mod:`lqcalc.output.duckdb_db`), the summary tables
(:mod:`lqcalc.output.summary`) and the charts (:mod:`lqcalc.output.charts`). The tables of a
run are appended partition by partition (:mod:`lqcalc.output.appender`) into a directory
that appears whole or not at all (:mod:`lqcalc.output.atomic`).
"""

from lqcalc.output.analyst import write_analyst_outputs

__all__ = ["write_analyst_outputs"]
