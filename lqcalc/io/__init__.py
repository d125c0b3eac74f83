"""Readers: every supported input becomes the tidy table (:mod:`lqcalc.schema`).

:func:`read_inputs` (:mod:`lqcalc.io.inputs`) reads the files of a run; the readers of each
layout are :mod:`lqcalc.io.long`, :mod:`lqcalc.io.portal` (with :mod:`lqcalc.io.detect`,
:mod:`lqcalc.io.grid`) and the partitioned sources of :mod:`lqcalc.io.source`.
"""

from lqcalc.io.inputs import read_inputs

__all__ = ["read_inputs"]
