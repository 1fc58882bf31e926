"""Restore Pinecone serverless indexes from backups as Pulumi resources."""

__all__: list[str] = []
