"""The ``pinecone-restore`` Pulumi provider plugin: every Pulumi language, one lifecycle.

``pulumi-resource-pinecone-restore`` (a console script ``pip install`` puts on PATH) serves
Pulumi's ResourceProvider protocol through the official Python provider SDK
(``pulumi.provider.experimental``), over the same lifecycle engine, declarations, validators
and ownership rules as the Python dynamic resources. Modules:

- :mod:`.schema`: the package schema, generated from the declarations (``docs/schema.json``).
- :mod:`.values`: wire properties (camelCase) to the lifecycle's values and back.
- :mod:`.provider`: the provider, one lifecycle call per method.
- :mod:`.server`: the gRPC server: errors as one message, partial creates, progress on the
  resource's row, exit when the engine is gone.
"""
