"""Whether the Pulumi engine that started this plugin process is still there.

Both doors run in a plugin process the engine starts: the provider plugin and Pulumi's dynamic
provider (``python -m pulumi.dynamic``). When ``pulumi`` is killed, the engine is gone but the
plugin is not: left alone it would go on following its creates and finish them (take the
pending tag off an index, end a backup's note), so that the next `pulumi up` would no longer
find them as its own unfinished attempts. A plugin that notices the engine gone exits at once,
as if it had been killed with it, which every step is built to survive.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import grpc

__all__ = [
    "ENGINE_CHECK_EVERY",
    "ENGINE_MISSES",
    "ENGINE_READY_TIMEOUT",
    "engine_answers",
    "watch_engine",
]

ENGINE_CHECK_EVERY = 1.0  # seconds between checks that the engine is still there
ENGINE_READY_TIMEOUT = 2.0  # how long one check waits for the engine's channel
# Consecutive failed checks before the plugin exits (about 30 s): a backstop only, since a
# parent that died is noticed on the next check; a loaded machine must not end a live plugin.
ENGINE_MISSES = 10


def engine_answers(address: str, timeout: float = ENGINE_READY_TIMEOUT) -> bool:
    """Whether the engine answers now: a new connection to it is ready within ``timeout``.

    Each check connects afresh. A long-lived channel's state is cached by gRPC's connectivity
    poller, which can still say "ready" just after the engine went away.
    """
    with grpc.insecure_channel(address) as probe:
        try:
            grpc.channel_ready_future(probe).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            return False
    return True


def watch_engine(
    parent: int,
    alive: Callable[[], bool],
    exit_now: Callable[[], None],
    *,
    every: float = ENGINE_CHECK_EVERY,
    sleep: Callable[[float], None] = time.sleep,
    getppid: Callable[[], int] = os.getppid,
) -> None:
    """Call ``exit_now`` once the engine is gone; returns after calling it.

    Gone: the parent process is no longer ``parent`` (it died and the plugin was re-parented),
    or ``alive`` failed ``ENGINE_MISSES`` times in a row.
    """
    misses = 0
    while True:
        sleep(every)
        if getppid() != parent:
            exit_now()
            return
        misses = 0 if alive() else misses + 1
        if misses >= ENGINE_MISSES:
            exit_now()
            return
