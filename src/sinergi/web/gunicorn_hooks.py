"""Gunicorn settings of `sinergi serve`: each worker reads the lake's tables before it serves.

Read in the worker, after the fork, never in the master: Polars' thread pool does not
survive a fork, and a first visitor should not wait for the tables to load.
"""

from typing import Any


def post_worker_init(worker: Any) -> None:
    from sinergi.web import registry

    registry.warm()
