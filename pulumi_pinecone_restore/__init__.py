"""Restore Pinecone serverless indexes from backups as Pulumi resources.

The public surface: the resources, the control-plane client and its errors. The local
control-plane emulator lives in :mod:`pulumi_pinecone_restore.emulator`.
"""

__version__ = "0.1.0"

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    OperationError,
    PineconeRestoreError,
    PreconditionFailedError,
    RateLimitedError,
    RestoreFailedError,
    ServerError,
    TransportError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.restored_index import RestoredIndex, RestoredIndexArgs
from pulumi_pinecone_restore.settings import ClientSettings, RetryPolicy

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ClientSettings",
    "ConfigurationError",
    "ConflictError",
    "ControlPlaneClient",
    "ForbiddenError",
    "NotFoundError",
    "OperationError",
    "PineconeRestoreError",
    "PreconditionFailedError",
    "RateLimitedError",
    "RestoreFailedError",
    "RestoredIndex",
    "RestoredIndexArgs",
    "RetryPolicy",
    "ServerError",
    "TransportError",
    "WaitTimeoutError",
    "__version__",
]
