"""The query engines of the table builders' collects.

Every module of :mod:`lqcalc.tables` collects its lazy frames with one of these two, so the
choice (and its measured reason) is written once.
"""

#: Query engine of every collect: the in-memory engine sums each group in row order, so
#: repeated runs give bit-identical floating-point results (the streaming engine may not).
ENGINE = "in-memory"
#: Engine of the steps without sums (row-wise expressions, order-keeping joins): any engine
#: gives the same bits there. On one partition (3.2M rows) the in-memory engine is faster
#: (indicator table 1.7-1.8 s -> 1.2-1.5 s) and holds less at its peak (22M-row run: 4.4 ->
#: 3.7 GB) than the streaming engine, whose order-keeping joins buffer their morsels.
ROW_ENGINE = "in-memory"
