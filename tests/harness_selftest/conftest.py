"""Make ``tests/`` importable so ``harness`` and ``harness_selftest.toy_provider`` resolve."""

import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parents[1]
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))
