"""The output tables of a run, one module per table, and the helpers they share.

Tables (each built from the base frame, or from another table, through the pure functions
of :mod:`lqcalc.metrics`): :mod:`~lqcalc.tables.indicators`, :mod:`~lqcalc.tables.regions`,
:mod:`~lqcalc.tables.industries`, :mod:`~lqcalc.tables.growth`,
:mod:`~lqcalc.tables.clusters`, :mod:`~lqcalc.tables.intensity`,
:mod:`~lqcalc.tables.targets`. :mod:`lqcalc.builder` calls them partition by partition.

Shared helpers: :mod:`~lqcalc.tables.codes` (integer codes of the keys, lookups by code),
:mod:`~lqcalc.tables.keys` (packed group keys), :mod:`~lqcalc.tables.aligned` (pairing
frames whose keys are aligned), :mod:`~lqcalc.tables.order` (sorting and grouping rows),
:mod:`~lqcalc.tables.sums` (group sums on the rows), :mod:`~lqcalc.tables.reasons`
(``null_reason`` texts), :mod:`~lqcalc.tables.parents` (the region hierarchy),
:mod:`~lqcalc.tables.base` (facts of the base frame), :mod:`~lqcalc.tables.engine` (the
query engines).
"""
