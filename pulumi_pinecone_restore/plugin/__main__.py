"""``python -m pulumi_pinecone_restore.plugin <engine-address>``: the provider plugin."""

from pulumi_pinecone_restore.plugin.server import main

main()
