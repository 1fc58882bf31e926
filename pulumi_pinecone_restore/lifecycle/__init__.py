"""The lifecycle engine: each resource's lifecycle written once, without Pulumi.

- :mod:`.inputs`: declared, typed inputs (names, rules, replace/update behaviour).
- :mod:`.engine`: :class:`~.engine.Lifecycle`, which runs a :class:`~.engine.Spec`.
- :mod:`.index`, :mod:`.restore`, :mod:`.collection`, :mod:`.backup`: the declarations.
- :mod:`.sets`: many restores as one resource.
- :mod:`.final_backup`: the backup an index delete takes first, when asked.
- :mod:`.intents`: the running program's word, for deletes that see only an old state.
- :mod:`.runtime`: client, clock, sleep and progress of a run.

The dynamic providers (:mod:`pulumi_pinecone_restore.providers`), the CLI and the set all call
this package; nothing here imports Pulumi.
"""
