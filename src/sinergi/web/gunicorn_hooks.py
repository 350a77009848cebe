"""Gunicorn settings of `sinergi serve`: each worker reads the lake's tables before it serves.

Read in the worker, after the fork, never in the master: Polars' thread pool does not
survive a fork, and a first visitor should not wait for the tables to load.
"""

from typing import Any

# The access log names the path, never the query string or the referring page: a search
# by name or NIK sent in a URL (an API script's ``?cari=``) must not land in a log file.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


def post_worker_init(worker: Any) -> None:
    from sinergi.web import registry

    registry.warm()
