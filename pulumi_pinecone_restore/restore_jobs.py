"""One restore job by an id someone gave: asked again after a 404, which may be transient.

Pulumi-free, so the CLI can use it without loading Pulumi; :func:`~.invokes.get_restore_job`
(scripts and programs) and the CLI's ``jobs describe`` and ``wait`` share it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import NotFoundError, RestoreJobNotFoundError
from pulumi_pinecone_restore.models import RestoreJobModel

__all__ = ["TYPED_JOB_RETRY_DELAYS", "describe_restore_job"]

#: After a 404 for a job id someone gave, ask again after these waits (3.5 s in all).
TYPED_JOB_RETRY_DELAYS = (0.5, 1.0, 2.0)


def describe_restore_job(
    client: ControlPlaneClient,
    job_id: str,
    *,
    retry_delays: Sequence[float] = TYPED_JOB_RETRY_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
) -> RestoreJobModel:
    """The restore job ``job_id``, asking again after each of ``retry_delays`` on a 404.

    The live service answers ``404`` to any failed read of its job store, so one 404 does not
    prove the id wrong; a few in a row, a few seconds apart, are reported as "not found, may
    be transient".

    Args:
        client: The control-plane client.
        job_id: The job's id.
        retry_delays: Seconds to wait before each new ask after a 404.
        sleep: Sleep function (tests pass a no-op).

    Returns:
        The restore job.

    Raises:
        RestoreJobNotFoundError: Every ask answered 404.
        ApiError: The control plane refused a request otherwise.
        TransportError: The control plane could not be reached.
    """
    waits = iter(retry_delays)
    while True:
        try:
            return client.describe_restore_job(job_id)
        except NotFoundError as exc:  # noqa: PERF203 - the retry is the point of the loop
            delay = next(waits, None)
            if delay is None:
                raise RestoreJobNotFoundError(
                    f"restore job {job_id!r} answered 404 {len(retry_delays) + 1} times over "
                    f"{sum(retry_delays):g}s. Pinecone answers 404 also when it fails to read "
                    "its restore jobs, so this may be transient: try again. If it persists, the "
                    "id is wrong, belongs to another project's API key, or its target index was "
                    "deleted"
                ) from exc
            sleep(delay)
