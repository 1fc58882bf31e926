"""Benchmarks: restore speed and API-call budgets through the real plugin."""
