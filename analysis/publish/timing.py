"""Wall time of each stage of a report build, for ``socplan run --timings`` and
``make bench``: loading, kernel start, each chapter, HTML, PDF, workbook, catalogue and
manifest. Never written into the report (its files stay byte-identical)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class StageClock:
    """Seconds per named stage, in the order the stages ran; a stage timed twice adds up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._start = time.perf_counter()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def total(self) -> float:
        """Seconds since the clock was made (includes what no stage timed)."""
        return time.perf_counter() - self._start

    def table(self) -> str:
        """A plain-text table: one stage a line, then the total."""
        width = max([len(n) for n in self.seconds] + [len("total")])
        lines = [f"{name:<{width}}  {sec:7.2f} s" for name, sec in self.seconds.items()]
        lines.append(f"{'total':<{width}}  {self.total():7.2f} s")
        return "\n".join(lines)


@contextmanager
def maybe(clock: StageClock | None, name: str) -> Iterator[None]:
    """Time ``name`` on ``clock`` when there is one."""
    if clock is None:
        yield
    else:
        with clock.stage(name):
            yield
