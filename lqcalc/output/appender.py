"""Parquet tables written partition by partition: one file per table, appended to.

Why this module is long: the encoding choices of the Parquet files (dictionary, delta and
constant columns, chosen from the first partition) exist for the appender alone and must
stay the same across the partitions it appends.

A partitioned run (:mod:`lqcalc.pipeline`) computes each table one partition at a time; the
rows of every partition are appended to the table's single Parquet file, so readers see one
file per table whatever the number of partitions, and memory holds one partition only.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

import polars as pl


#: Tables waiting for the writer threads at most: the next partition is computed while the
#: last one is written.
PENDING = 3

#: Writer threads. Two tables (a year's ``tidy`` and ``indicators``, say) are encoded at
#: once, each file still taking its parts in order: pyarrow works without the interpreter
#: lock, and a single writer thread was the slowest part of a run.
WRITERS = 2

#: Bytes waiting for the writer threads at most (a larger table still goes when nothing else
#: waits). With few tables asked for (``--tables indicators,growth``) the writer falls
#: behind the computation, and three waiting tables raised the peak of the 22M-row run.
#: 1 GiB lets the next partition be read and computed while a large indicator part is
#: encoded (4M rows are some 830 MB as Arrow: at 512 MiB a run of 4M-row partitions waited
#: 1.1 s for it); with the default partitions it is as fast as 512 MiB, and the peak of the
#: 22M-row run stays 2.7 GB either way.
PENDING_BYTES = 1024 * 2**20

#: zstd level 1: about twice as fast to write as polars' default level, files ~4 % larger
#: (3.2M-row indicator table: 102 MB against 98 MB).
ZSTD_LEVEL = 1

#: Values pyarrow encodes per batch (its default: 1,024). Larger batches cost less per value
#: and give the same file (one 3.2M-row part of ``tidy``: 0.68 -> 0.55 s, best of 5); pages
#: still close near pyarrow's 1 MB page size, a batch of 8-byte values being 0.5 MB.
WRITE_BATCH = 65536


def _wide_int(t: Any) -> bool:
    import pyarrow as pa

    return pa.types.is_integer(t) and t.bit_width == 64


def dictionary_columns(schema: Any) -> list[str]:
    """Columns worth dictionary encoding: all but floating-point and 64-bit integer ones.

    Measures, LQs and row numbers take nearly as many values as rows: the dictionary is
    tried, overflows and is thrown away. Without it the 3.2M-row tables of one year are
    written with 15-30 % less CPU (tidy 1.05 -> 0.72 s, indicators 2.70 -> 2.23 s, growth
    4.20 -> 3.53 s) for files 3-9 % larger.

    >>> import pyarrow as pa
    >>> dictionary_columns(pa.schema([("region", pa.string()), ("year", pa.int32()), ("lq", pa.float64()),
    ...                               ("source_line", pa.int64()), ("is_leaf", pa.bool_())]))
    ['region', 'year', 'is_leaf']
    """
    import pyarrow as pa

    return [f.name for f in schema if not (pa.types.is_floating(f.type) or _wide_int(f.type))]


def codecs(table: Any, sample: int = 1 << 16) -> tuple[dict[str, str], dict[str, int], dict[str, str]]:
    """Compression codec of each column of ``table``, the zstd levels, and the floating-point
    columns written in the byte-stream-split encoding: zstd level :data:`ZSTD_LEVEL`, but
    snappy for a floating-point column that zstd would shrink by less than 15 % more than
    snappy, and byte stream split for one that zstd shrinks at least as well split (all
    judged on the first ``sample`` values).

    Indicators computed by a division (LQ, SLQ, the CI bounds) barely compress, and zstd
    costs twice what snappy does on them; input values (whole numbers) and denominators
    compress well and keep zstd. Indicator table of one 3.2M-row year with every
    floating-point column in snappy: 2.91 s -> 2.35 s to write, 103 -> 119 MB. Input values
    split into their byte streams (the exponent bytes apart from the mantissa bytes) cost
    less to compress and come out smaller: 3.2M values of a county table, 0.112 -> 0.059 s,
    4.0 -> 3.3 MB. The split is a standard Parquet encoding that pyarrow, polars and DuckDB
    read.

    >>> import random
    >>> import pyarrow as pa
    >>> rng = random.Random(1)
    >>> t = pa.table({"region": ["a"] * 1000, "value": [float(rng.randint(0, 999)) for _ in range(1000)],
    ...               "lq": [rng.random() for _ in range(1000)]})
    >>> codecs(t)
    ({'region': 'zstd', 'value': 'zstd', 'lq': 'snappy'}, {'region': 1, 'value': 1}, {'value': 'BYTE_STREAM_SPLIT'})
    """
    import numpy as np
    import pyarrow as pa

    codec = {}
    split = {}
    zstd, snappy = pa.Codec("zstd", compression_level=ZSTD_LEVEL), pa.Codec("snappy")
    for f in table.schema:
        codec[f.name] = "zstd"
        if pa.types.is_floating(f.type):
            # the head of the column first: dropping the nulls of the whole column copies it
            # (a 4M-row indicator part: 11 columns, 0.13 s); the nulls left out with numpy, which
            # spares importing pyarrow.compute (0.05 s)
            head = table.column(f.name).slice(0, 2 * sample).combine_chunks()   # offset 0
            width = f.type.bit_width // 8
            values = np.frombuffer(head.buffers()[1], dtype=np.uint8, count=len(head) * width).reshape(-1, width)
            if head.null_count:
                valid = np.unpackbits(np.frombuffer(head.buffers()[0], dtype=np.uint8), bitorder="little")
                values = values[valid[:len(head)].astype(bool)]
            if len(values) == 0:
                continue
            data = values[:sample].tobytes()
            z = zstd.compress(data, asbytes=True)
            if len(z) > 0.85 * len(snappy.compress(data, asbytes=True)):
                codec[f.name] = "snappy"
            elif len(zstd.compress(values[:sample].T.tobytes(), asbytes=True)) <= len(z):
                split[f.name] = "BYTE_STREAM_SPLIT"
    return codec, {c: ZSTD_LEVEL for c, k in codec.items() if k == "zstd"}, split


def delta_columns(schema: Any) -> dict[str, str]:
    """64-bit integer columns (source lines, counts) with the delta encoding: source lines
    ascend, and their deltas pack into a few bits (3.2M lines: 0.05 s to write instead of
    0.17 s, and a fraction of the size).

    >>> import pyarrow as pa
    >>> delta_columns(pa.schema([("source_line", pa.int64()), ("year", pa.int32()), ("lq", pa.float64())]))
    {'source_line': 'DELTA_BINARY_PACKED'}
    """
    return {f.name: "DELTA_BINARY_PACKED" for f in schema if _wide_int(f.type)}


def constant_strings(df: pl.DataFrame) -> list[str]:
    """String columns of ``df`` that hold one value (nulls aside): the measure, the unit, the
    source file, the period.

    >>> constant_strings(pl.DataFrame({"m": ["emp", None, "emp"], "r": ["a", "b", "a"], "n": [None, None, None],
    ...                                "f": [None, "x", "x"], "g": [None, "x", "y"]},
    ...                               schema={"m": pl.String, "r": pl.String, "n": pl.String, "f": pl.String, "g": pl.String}))
    ['m', 'f']
    """
    strings = [c for c, t in df.schema.items() if t == pl.String]
    if not strings:
        return []
    # counted by expressions: a column set to one literal stays one value (taking it out of
    # the frame as a Series would first write the value on every row)
    nulls = df.select(pl.col(c).null_count() for c in strings).row(0)
    cols = [c for c, k in zip(strings, nulls) if k < df.height]
    if not cols:
        return []
    # each column against its first value: an equality test per row, cheaper than a minimum
    # and a maximum of the strings (one 3.2M-row part: 0.08 -> 0.025 s)
    firsts = df.select(pl.col(c).get(pl.col(c).is_not_null().arg_max()) for c in cols).row(0)
    same = df.select((pl.col(c) == pl.lit(v, dtype=pl.String)).all() for c, v in zip(cols, firsts)).row(0)
    return [c for c, one in zip(cols, same) if one]


def strings(values: list[str]) -> Any:
    """``values`` (no null) as an Arrow string array, built from its buffers.

    ``pyarrow.array`` would do, but its first call imports pandas (0.13-0.2 s) to check
    whether the values are a pandas object.

    >>> strings(["emp", "", "就业"]).to_pylist()
    ['emp', '', '就业']
    """
    import numpy as np
    import pyarrow as pa

    data = [v.encode() for v in values]
    offsets = np.zeros(len(data) + 1, dtype=np.int32)
    np.cumsum([len(b) for b in data], out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(data), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))])


def zero_indices(buffer: Any, n: int) -> Any:
    """``buffer`` if it holds at least ``n`` int32 zeros, else a new buffer of ``n`` zeros.

    >>> zero_indices(None, 3).size, zero_indices(zero_indices(None, 5), 3).size
    (12, 20)
    """
    import numpy as np
    import pyarrow as pa

    if buffer is not None and buffer.size >= 4 * n:
        return buffer
    return pa.py_buffer(np.zeros(n, dtype=np.int32))


def as_dictionaries(table: Any, df: pl.DataFrame, columns: list[str], zeros: Any = None,
                    coded: dict[str, tuple[Any, pl.Series]] | None = None) -> Any:
    """``table`` with ``columns`` as dictionary arrays (int32 indices, string values).

    ``table`` is ``df`` as Arrow, with or without ``columns``: a column it lacks is added at
    its place in ``df`` (so that the caller need not convert, row by row, a column of one
    literal that is replaced anyway: 3.2M rows, 0.03-0.05 s per column).

    A column of one value gets its one-entry dictionary and zero indices directly, without
    hashing a string per row: pyarrow then writes the dictionary and the indices as they are
    (3.2M rows: 0.07 s instead of 0.25 s). So does a column given in ``coded`` as
    ``(labels, codes)``, whose value on each row is ``labels[code]`` (the codes the
    validation rules gave region and industry: 3.2M rows, 0.15-0.20 s less each). Any other
    column is dictionary-encoded by pyarrow. The Parquet file is the same either way: a
    dictionary-encoded string column. ``zeros``, a buffer of at least ``4 * len(df)`` zero
    bytes, is shared by the indices of every one-value column (they are read only): no new
    buffer per column and table.

    >>> import pyarrow as pa
    >>> df = pl.DataFrame({"m": ["emp", None, "emp"], "r": ["a", "b", "a"]})
    >>> t = as_dictionaries(df.to_arrow(), df, ["m", "r"])
    >>> t.column("m").to_pylist(), str(t.schema.field("r").type)
    (['emp', None, 'emp'], 'dictionary<values=string, indices=int32, ordered=0>')
    >>> t = as_dictionaries(df.to_arrow(), df, ["r"], coded={"r": (["a", "b"], pl.Series([0, 1, 0], dtype=pl.UInt32))})
    >>> t.column("r").to_pylist()
    ['a', 'b', 'a']
    >>> as_dictionaries(df.drop("m").to_arrow(), df, ["m", "r"]).column_names
    ['m', 'r']
    """
    import pyarrow as pa

    coded = coded or {}
    plain = [c for c in columns if c not in coded]
    one = set(constant_strings(df.select(plain))) if plain else set()
    n = df.height
    nulls = dict(zip(columns, df.select(pl.col(c).null_count() for c in columns).row(0))) if columns else {}
    for c in columns:
        if c in coded:
            labels, codes = coded[c]
            indices = codes.cast(pl.Int32).to_arrow()
            arr = pa.DictionaryArray.from_arrays(indices, labels if isinstance(labels, pa.Array) else strings(list(labels)))
        elif c in one:
            zeros = zero_indices(zeros, n)
            valid = None
            if nulls[c]:
                valid = df.select(pl.col(c).is_not_null()).to_series().rechunk().to_arrow().buffers()[1]  # validity
            indices = pa.Array.from_buffers(pa.int32(), n, [valid, zeros], null_count=nulls[c])
            value = df.select(pl.col(c).drop_nulls().first()).item()
            arr = pa.DictionaryArray.from_arrays(indices, strings([value]))
        else:
            i = table.schema.get_field_index(c)
            column = table.column(i) if i >= 0 else df[c].to_arrow()
            import pyarrow.compute as pc   # only here: importing it costs 0.05 s

            arr = pc.dictionary_encode(column.cast(pa.string()))
        i = table.schema.get_field_index(c)
        if i >= 0:
            table = table.set_column(i, c, arr)
        else:   # its place: after the columns of df before it that table has
            before = df.columns[:df.columns.index(c)]
            table = table.add_column(sum(1 for b in before if table.schema.get_field_index(b) >= 0), c, arr)
    return table


def write_whole(df: pl.DataFrame, path: Path) -> None:
    """``df`` as the whole file ``path``, by polars (which encodes the columns on every core)."""
    df.write_parquet(path, compression="zstd", compression_level=ZSTD_LEVEL)


class _WholeFile:
    """A table written in one piece (see ``last`` of :meth:`TableAppender.write`)."""

    def __init__(self, path: Path):
        self.path = path

    def write_table(self, df: pl.DataFrame) -> None:
        write_whole(df, self.path)


class TableAppender:
    """Append polars frames to ``DIR/<name>.parquet`` (zstd level :data:`ZSTD_LEVEL`;
    floating-point columns snappy, see :func:`codecs`).

    With ``single=True`` (a run of one partition) each table is written once with polars;
    otherwise the files are appended to through :class:`pyarrow.parquet.ParquetWriter`, and
    every later part is cast to the schema of the first (a column that is all null in one
    part keeps its type). The appends run in writer threads (``background=True``): pyarrow
    encodes and compresses without the interpreter lock while the caller computes the next
    partition (:data:`WRITERS` threads, the parts of each file in order); at most
    :data:`PENDING` tables and :data:`PENDING_BYTES` wait. An error of a
    writer thread is raised by the next :meth:`write` or by :meth:`close`; use the
    appender as a context manager so that an error of the caller stops the thread too.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with TableAppender(d) as app:
    ...     app.write("t", pl.DataFrame({"a": ["x"], "b": [1.0]}))
    ...     app.write("t", pl.DataFrame({"a": [None], "b": [2.0]}, schema={"a": pl.String, "b": pl.Float64}))
    ...     app.close()
    >>> pl.read_parquet(d / "t.parquet").rows(), app.rows
    ([('x', 1.0), (None, 2.0)], {'t': 2})
    >>> with TableAppender(d) as app:                   # a Null column stays Null
    ...     for _ in range(2):
    ...         app.write("n", pl.DataFrame({"a": [None], "b": ["x"]}, schema={"a": pl.Null, "b": pl.String}))
    ...     app.close()
    >>> pl.read_parquet(d / "n.parquet").schema
    Schema([('a', Null), ('b', String)])
    """

    def __init__(self, folder: str | Path, single: bool = False, background: bool = True):
        self.folder = Path(folder)
        self.single = single
        self.background = background
        self.rows: dict[str, int] = {}
        self._writers: dict[str, Any] = {}
        self._schemas: dict[str, pl.Schema] = {}
        self._plain: dict[str, bool] = {}
        self._dicts: dict[str, list[str]] = {}
        self._zeros: Any = None   # zero indices shared by the one-value string columns
        self._empty: dict[str, pl.DataFrame] = {}   # tables given only parts without rows so far
        self._finished: set[str] = set()            # tables given their last part
        self._held: dict[str, pl.DataFrame] = {}    # tables written in one piece, until written
        self._queue: queue.Queue | None = None
        self._threads: list[threading.Thread] = []
        self._queued: dict[str, int] = {}   # parts of each table handed to the writers
        self._written: dict[str, int] = {}  # parts of each table written (files take them in order)
        self._error: BaseException | None = None
        self._stop = False
        self._room = threading.Condition()
        self._pending_bytes = 0

    def __enter__(self) -> "TableAppender":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.parquet"

    def write(self, name: str, df: pl.DataFrame, coded: dict[str, tuple[Any, pl.Series]] | None = None,
              last: bool = False) -> None:
        """Append ``df`` to table ``name``.

        ``coded`` maps a string column to ``(labels, codes)`` with ``df[column]`` equal to
        ``labels[codes]`` on every row (no null, no code out of range): the column is then
        written from its codes, without hashing its strings (see :func:`as_dictionaries`).

        ``last``: no later part of ``name`` has rows (later empty parts are ignored). Parts
        without rows only wait (the file is made by the first part with rows, or at
        :meth:`close`), so a table whose rows all come in its last part (growth and
        clusters, computed in the end year) is written in one piece by polars, which
        encodes the columns on every core (3.2M-row growth table: 3.5 -> 1.9 s).
        """
        self._raise_error()
        if self.single and name not in self.rows:
            write_whole(df, self.path(name))
            self.rows[name] = df.height
            return
        if self.single:
            raise ValueError(f"table {name!r} written twice in a single-partition run")
        if name in self._finished:
            if df.height:
                raise ValueError(f"table {name!r} was given its last part already")
            return
        if name in self._schemas and df.schema != self._schemas[name]:
            df = df.select(pl.col(c).cast(t) for c, t in self._schemas[name].items())
        if name not in self._writers:
            if df.height == 0 and not last:
                self._empty.setdefault(name, df)   # written at close if no part with rows comes
                self.rows.setdefault(name, 0)
                return
            if last:
                self._empty.pop(name, None)
                self._finished.add(name)
                self.rows[name] = self.rows.get(name, 0) + df.height
                if self.background:
                    with self._room:
                        self._held[name] = df   # readable from memory while it is written
                self._submit(name, _WholeFile(self.path(name)), df, df.estimated_size())
                return
        # the newest compat level shares polars' buffers (string views included): no copy
        # (oldest: 0.57 s and 0.2 GB more for the 3.2M-row clusters table); the file then
        # stores plain Parquet types only, without an Arrow schema that would name views.
        # A column of the Null type needs that schema to stay Null: such a table is
        # converted the old way.
        if name not in self._plain:
            self._plain[name] = not any(dt == pl.Null for dt in df.dtypes)
        plain = self._plain[name]
        if plain and name not in self._dicts:
            # the columns written as dictionaries, fixed by the first part: the file's schema
            one = set(constant_strings(df)) | set(coded or {})
            self._dicts[name] = [c for c in df.columns if c in one]
        # the dictionary columns are built apart (as_dictionaries): not converted here
        table = (df.drop(self._dicts[name]) if plain else df).to_arrow(
            compat_level=pl.CompatLevel.newest() if plain else pl.CompatLevel.oldest())
        if plain:
            # string columns of one value go as one-entry dictionaries (no hash per row); the
            # file's columns stay plain strings (no Arrow schema is stored with it)
            if self._dicts[name]:
                self._zeros = zero_indices(self._zeros, df.height)
            usable = {c: v for c, v in (coded or {}).items() if c in self._dicts[name]}
            table = as_dictionaries(table, df, self._dicts[name], self._zeros, usable)
        w = self._writers.get(name)
        if w is None:
            import pyarrow.parquet as pq

            codec, level, split = codecs(table)
            w = pq.ParquetWriter(self.path(name), table.schema, compression=codec, compression_level=level or None,
                                 store_schema=not plain, use_dictionary=dictionary_columns(table.schema),
                                 column_encoding={**delta_columns(table.schema), **split} or None,
                                 write_batch_size=WRITE_BATCH)
            self._writers[name] = w
            self._schemas[name] = df.schema
            self._empty.pop(name, None)
        elif table.schema != w.schema:
            table = table.cast(w.schema)
        self.rows[name] = self.rows.get(name, 0) + df.height
        if last:
            self._finished.add(name)
        self._submit(name, w, table, table.get_total_buffer_size())

    def _submit(self, name: str, w: Any, table: Any, size: int) -> None:
        """Hand ``table`` to ``w.write_table``: now, or in a writer thread within the budget."""
        if not self.background:
            w.write_table(table)
            return
        if not self._threads:
            self._queue = queue.Queue(maxsize=PENDING)
            self._threads = [threading.Thread(target=self._work, name=f"lqcalc-parquet-writer-{i}", daemon=True)
                             for i in range(WRITERS)]
            for t in self._threads:
                t.start()
        assert self._queue is not None
        with self._room:
            while self._pending_bytes and self._pending_bytes + size > PENDING_BYTES and self._error is None:
                self._room.wait()
            self._pending_bytes += size
            seq = self._queued.get(name, 0)
            self._queued[name] = seq + 1
        self._queue.put((w, table, size, name, seq))

    def _work(self) -> None:
        assert self._queue is not None
        while True:
            item = self._queue.get()
            if item is None:
                return
            w, table, size, name, seq = item
            with self._room:   # the parts of one file go in the order they came
                while self._written.get(name, 0) != seq:
                    self._room.wait()
            if self._error is None and not self._stop:
                try:
                    w.write_table(table)
                except BaseException as e:  # raised again in the caller's thread
                    self._error = e
            with self._room:
                self._pending_bytes -= size
                self._written[name] = seq + 1
                if isinstance(w, _WholeFile):
                    self._held.pop(name, None)
                self._room.notify_all()
            del item, table

    def _join(self) -> None:
        if self._threads:
            assert self._queue is not None
            for _ in self._threads:
                self._queue.put(None)
            for t in self._threads:
                t.join()
            self._threads = []

    def _raise_error(self) -> None:
        if self._error is not None:
            err, self._error = self._error, None
            self.abort()
            raise err

    def has(self, name: str) -> bool:
        return name in self.rows

    def _all_written(self, names) -> bool:
        return all(self._written.get(n, 0) == self._queued.get(n, 0) for n in names)

    def finish(self) -> dict[str, pl.LazyFrame]:
        """Give every appended file its footer once its parts are written; return every table
        to read.

        A table written in one piece that is still being written (growth and clusters, handed
        over in the last partition) is returned as its frame in memory, so that what reads
        the tables (summaries, report, charts) need not wait for its file; every other table
        is a scan of its finished file. :meth:`written` waits for those files too; call
        :meth:`close` at the end.

        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> with TableAppender(d) as app:
        ...     app.write("t", pl.DataFrame({"a": [1]}))
        ...     app.write("t", pl.DataFrame({"a": [2]}))
        ...     app.write("g", pl.DataFrame({"b": [3.0]}), last=True)
        ...     tables = app.finish()
        ...     files = app.written()
        ...     app.close()
        >>> tables["t"].collect()["a"].to_list(), tables["g"].collect()["b"].to_list()
        ([1, 2], [3.0])
        >>> sorted(p.name for p in d.iterdir()), files["g"].collect()["b"].to_list()
        (['g.parquet', 't.parquet'], [3.0])
        """
        self._raise_error()
        with self._room:
            while not self._all_written(self._writers) and self._error is None:
                self._room.wait()
        self._raise_error()
        for w in self._writers.values():   # a second call finds nothing left to do
            w.close()
        self._writers.clear()
        for name, df in self._empty.items():   # tables without a row: their schema
            write_whole(df, self.path(name))
        self._empty.clear()
        with self._room:
            held = dict(self._held)
        return self._scans(held)

    def written(self) -> dict[str, pl.LazyFrame]:
        """After :meth:`finish`: wait until every file is written; scans of all of them.
        Safe to call from another thread than the one that writes."""
        with self._room:
            while not self._all_written(self._queued) and self._error is None:
                self._room.wait()
        if self._error is not None:
            raise self._error
        return self._scans({})

    def _scans(self, held: dict[str, pl.DataFrame]) -> dict[str, pl.LazyFrame]:
        return {name: held[name].lazy() if name in held else pl.scan_parquet(self.path(name)) for name in self.rows}

    def close(self) -> None:
        """Finish every file (:meth:`finish`) and wait for the writer threads."""
        self.finish()
        self._join()
        self._raise_error()

    def abort(self) -> None:
        """Stop writing (after an error): pending tables are dropped, files closed as they are."""
        self._stop = True
        self._join()
        for w in self._writers.values():
            try:
                w.close()
            except Exception:  # noqa: BLE001 - the files are discarded with the directory
                pass
        self._writers.clear()
