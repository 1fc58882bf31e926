"""``python -m pulumi_pinecone_restore.emulator``: the same as ``pinecone-restore-emulator``."""

from __future__ import annotations

import sys

from pulumi_pinecone_restore.emulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
