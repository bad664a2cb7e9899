"""A share of the work done by a copy of this process on another core.

Page rendering is Python holding the interpreter's lock: threads cannot share it, and another
process would have to load the site again. A forked copy has everything loaded already; it does
its share (writing what it makes to files), says whether it finished, and ends without running
anything else. Whoever started it can wait for it, with a limit, and stop it.
"""

from __future__ import annotations

import ctypes
import gc
import os
import select
import signal
from typing import Callable


def cores() -> int:
    return len(os.sched_getaffinity(0))


_PR_SET_PDEATHSIG = 1


def end_with(parent: int) -> None:
    """Have this forked process killed when `parent`, the build that made it, dies: a build
    killed midway (out of memory, a cancelled CI job) must not leave its copies running or
    waiting for work for ever. Linux only (prctl); elsewhere they end when their work does."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(
            ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGKILL)
        )
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it died before that was in place
        os._exit(0)


class Copy:
    """A forked copy of this process running `work`; None from start() where none can be made."""

    def __init__(self, pid: int, said: int):
        self.pid = pid
        self._said = said  # the copy writes one byte to it: b"1" when its work returned
        self.finished: bool | None = None  # None until known

    @staticmethod
    def start(work: Callable[[], None]) -> Copy | None:
        parent = os.getpid()
        said, say = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(said)
            os.close(say)
            return None
        if pid == 0:
            # Whatever happens here, the copy ends here: it must never go on with the build.
            done = b"0"
            try:
                os.close(said)
                end_with(parent)
                gc.disable()  # a collection would touch, and so copy, every object of the site
                work()
                done = b"1"
            finally:
                try:
                    os.write(say, done)
                finally:
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
