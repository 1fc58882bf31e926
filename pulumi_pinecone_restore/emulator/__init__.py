"""A local emulator of the Pinecone control plane (API 2025-04)."""
