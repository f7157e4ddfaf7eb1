"""Periodic background work of the app (the hand-off worker, …): a blocking pass run in a
thread every few seconds from an asyncio task, started and stopped by the app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class Periodic:
    """Calls ``run`` in a worker thread, then waits ``seconds``, until stopped. A failing pass is
    logged and the next one runs as usual. ``interrupt`` (optional) asks a running pass to end
    early when the app stops."""

    def __init__(
        self,
        name: str,
        run: Callable[[], object],
        seconds: float,
        interrupt: Callable[[], None] | None = None,
    ) -> None:
        self.name = name
        self.run = run
        self.seconds = seconds
        self.interrupt = interrupt
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.passes = 0

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.to_thread(self.run)
            except Exception:
                log.exception("%s: the background pass failed", self.name)
            self.passes += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.seconds)

    async def stop(self, grace_seconds: float = 15.0) -> None:
        """Lets the running pass finish (up to ``grace_seconds``), then ends the task."""
        if self._task is None:
            return
        self._stop.set()
        if self.interrupt is not None:
            self.interrupt()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace_seconds)
        except TimeoutError:
            log.warning(
                "%s: still busy after %s s; left to finish on its own", self.name, grace_seconds
            )
            self._task.cancel()
        self._task = None
