"""Test harnesses that drive dynamic providers the way the Pulumi engine does.

- :mod:`harness.mocks`: programs under ``pulumi.runtime.set_mocks`` routed into the real provider.
- :mod:`harness.plugin`: the real ``python -m pulumi.dynamic`` plugin driven over gRPC.
"""
