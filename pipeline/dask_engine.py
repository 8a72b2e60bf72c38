"""Documents run on a Dask cluster: ``zhpipe run --engine dask [--scheduler tcp://HOST:PORT]``.

Each worker process builds the pipeline once (the same ``pipeline.load`` options a local run
uses, one model thread) and runs the same per-document function a local run does
(``runner.iter_rows``); the rows come back to the client, which writes them in input order
through the same ``output.TableSink`` — so the tables equal a local run's, row for row, and
the run is incremental and resumable as a local one is. With no scheduler a ``LocalCluster`` of
``jobs`` worker processes is started on loopback. The workers need zhpipe installed (the
same version: a different one would give different rows).
"""
from __future__ import annotations

import json
import logging
import os
from collections import deque

_PIPELINES: dict[str, object] = {}


def document_rows(document, doc_date, load_options: dict) -> list:
    """On a worker: one document's rows, with a pipeline built once per worker process."""
    from . import runner

    key = json.dumps(load_options, sort_keys=True, default=str)
    if key not in _PIPELINES:
        os.environ["ZHPIPE_MODEL_THREADS"] = "1"  # one model thread a worker, as -j does
        try:
            _PIPELINES[key] = runner._load(load_options)
        except Exception as exc:  # a bad --gazetteer file, a missing model: one line for the user
            raise runner.EngineError(f"a Dask worker could not build the pipeline: {exc}") from None
    return list(runner.iter_rows(_PIPELINES[key], document, doc_date))


def dask_rows(tasks, doc_date, load_options: dict, scheduler: str | None, jobs: int):
    """(document, reused, rows) in input order, the rows made on the cluster. At most a few
    documents a worker are in flight, so the client holds little of the corpus."""
    from .runner import EngineError

    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise EngineError("--engine dask needs Dask: pip install 'zhpipe[dask]'") from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise EngineError(f"--scheduler {scheduler}: cannot reach it ({exc})") from None
    else:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        limit = 4 * workers
        waiting: deque = deque()
        for document, hit in tasks:
            future = None if hit is not None else client.submit(document_rows, document, doc_date, load_options,
                                                                pure=False)
            waiting.append((document, hit, future))
            while waiting and (len(waiting) > limit or waiting[0][2] is None or waiting[0][2].done()):
                yield _result(waiting.popleft())
        while waiting:
            yield _result(waiting.popleft())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _result(entry):
    document, hit, future = entry
    return document, hit, (None if future is None else future.result())
