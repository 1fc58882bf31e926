"""Lookups in Pulumi's invoke style: ``get_x`` returns a value, ``get_x_output`` an Output.

Generated Pulumi SDKs pair every data source this way (``aws.ec2.get_ami`` /
``aws.ec2.get_ami_output``): the plain form blocks and takes plain values, for scripts and for
code that needs the answer now; the ``_output`` form takes ``pulumi.Input`` arguments, waits for
them, and returns a ``pulumi.Output`` whose attributes lift (``get_backup_output(...).backup_id``
is an ``Output[str]``). Both read only; neither registers a resource.

Credentials, unless a ``client`` is given: the stack config ``pinecone:apiKey`` /
``pinecone:controllerHost`` inside a Pulumi program, else ``PINECONE_API_KEY`` /
``PINECONE_CONTROLLER_HOST``.

Example:
    >>> backup = get_backup_output(source_index_name="prod-search")  # doctest: +SKIP
    >>> RestoredIndex("staging", backup_id=backup.backup_id)  # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import pulumi
from typing_extensions import Unpack

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.lookup import (
    QUERY_INPUTS,
    BackupQuery,
    check_query,
    default_client,
    get_backup,
)
from pulumi_pinecone_restore.models import BackupModel, RestoreJobModel
from pulumi_pinecone_restore.restore_jobs import TYPED_JOB_RETRY_DELAYS, describe_restore_job

__all__ = ["get_backup", "get_backup_output", "get_restore_job", "get_restore_job_output"]


def get_backup_output(
    *, backup_id: pulumi.Input[str] | None = None, **query: Unpack[BackupQuery]
) -> pulumi.Output[BackupModel]:
    """:func:`get_backup` for Pulumi programs: arguments may be outputs of other resources.

    The arguments are :func:`get_backup`'s, documented there. The lookup runs once every
    argument is known, also during preview (it only reads). Each run may find a newer backup:
    see ``docs/cloning.md`` on pinning.

    Returns:
        An Output of the backup; it fails with ``BackupNotFoundError`` when nothing matches.

    Raises:
        TypeError: An argument that :func:`get_backup` does not take.
    """
    check_query(query, "get_backup_output")
    waited = {key: query.get(key) for key in QUERY_INPUTS}
    plain: dict[str, Any] = {k: v for k, v in query.items() if k not in QUERY_INPUTS}
    return pulumi.Output.all(backup_id=backup_id, **waited).apply(
        lambda known: get_backup(**known, **plain)
    )


def get_restore_job(
    *,
    restore_job_id: str,
    client: ControlPlaneClient | None = None,
    retry_delays: Sequence[float] = TYPED_JOB_RETRY_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
) -> RestoreJobModel:
    """One restore job by id: its status, backup and target index.

    The live service answers ``404`` to any failed read of its job store, so a 404 is asked
    again after each of ``retry_delays`` (a few seconds in all) before the job is reported
    unknown, and even then the error says the 404 may have been transient.

    Args:
        restore_job_id: The job's id (a ``RestoredIndex``'s ``restore_job_id`` output).
        client: The control-plane client; by default one from stack config or the environment.
        retry_delays: Seconds to wait before each new ask after a 404.
        sleep: Sleep function (tests pass a no-op).

    Returns:
        The restore job.

    Raises:
        RestoreJobNotFoundError: Every ask answered 404 (a wrong id, another project's key,
            a job whose target index was deleted, or a failure of the service that lasted).
        ConfigurationError: No client given and no API key found.
        ApiError: The control plane refused a request.
        TransportError: The control plane could not be reached.
    """
    owned = client is None
    active = client if client is not None else default_client()
    try:
        return describe_restore_job(active, restore_job_id, retry_delays=retry_delays, sleep=sleep)
    finally:
        if owned:
            active.close()


def get_restore_job_output(
    *, restore_job_id: pulumi.Input[str], client: ControlPlaneClient | None = None
) -> pulumi.Output[RestoreJobModel]:
    """:func:`get_restore_job` for Pulumi programs: the id may be another resource's output.

    Args:
        restore_job_id: See :func:`get_restore_job`.
        client: See :func:`get_restore_job`.

    Returns:
        An Output of the restore job; it fails with ``RestoreJobNotFoundError`` when unknown.
    """
    return pulumi.Output.from_input(restore_job_id).apply(
        lambda job_id: get_restore_job(restore_job_id=job_id, client=client)
    )
