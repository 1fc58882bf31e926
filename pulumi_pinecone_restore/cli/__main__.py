"""``python -m pulumi_pinecone_restore.cli``: the same as the ``pinecone-restore`` script."""

import sys

from pulumi_pinecone_restore.cli import main

sys.exit(main())
