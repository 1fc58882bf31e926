"""Benchmarks: lag and API calls per restore beside the official SDK; sets; the schedule."""
