"""Time the stages of a pipeline run and tell the caller (the CLI's progress line) which starts."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

Stage = Callable[[str], None]


class StageTimer:
    """``with timer("Membaca data"): ...`` reports the stage and records its seconds."""

    def __init__(self, stage: Stage | None, name: str) -> None:
        self.stage = stage
        self.name = name
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, label: str) -> Iterator[None]:
        if self.stage:
            self.stage(label)
        started = time.perf_counter()
        yield
        # A stage met again (padanan's next partition) adds to its seconds.
        self.seconds[label] = round(self.seconds.get(label, 0) + time.perf_counter() - started, 2)
        log.info("%s stage %s: %.1f s", self.name, label, self.seconds[label])
