"""A share of the work done by a copy of this process on another core.

Page rendering is Python holding the interpreter's lock: threads cannot share it, and another
process would have to load the site again. A forked copy has everything loaded already; it does
its share (writing what it makes to files), says whether it finished, and ends without running
anything else. Whoever started it can wait for it, with a limit, and stop it.
"""

from __future__ import annotations

import gc
import os
import select
import signal
from typing import Callable


def cores() -> int:
    return len(os.sched_getaffinity(0))


class Copy:
    """A forked copy of this process running `work`; None from start() where none can be made."""

    def __init__(self, pid: int, said: int):
        self.pid = pid
        self._said = said  # the copy writes one byte to it: b"1" when its work returned
        self.finished: bool | None = None  # None until known

    @staticmethod
    def start(work: Callable[[], None]) -> Copy | None:
        said, say = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(said)
            os.close(say)
            return None
        if pid == 0:
            os.close(said)
            gc.disable()  # a collection would touch, and so copy, every object of the site
            done = b"0"
            try:
                work()
                done = b"1"
            finally:
                os.write(say, done)
                os._exit(0)
        os.close(say)
        return Copy(pid, said)

    def wait(self, timeout: float) -> bool:
        """Whether the copy's work finished: False if it failed, died or is still at it after
        timeout seconds (it is stopped then)."""
        if self.finished is None:
            done = b""
            if select.select([self._said], [], [], timeout)[0]:
                done = os.read(self._said, 1)  # nothing if it died before it could say
            self._end(finished=done == b"1")
        return bool(self.finished)

    def stop(self) -> None:
        """End the copy now, whatever it is doing."""
        if self.finished is None:
            self._end(finished=False)

    def _end(self, *, finished: bool) -> None:
        os.close(self._said)
        if not finished:
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.finished = finished
