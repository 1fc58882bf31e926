"""Dynamic providers: Pulumi CRUD mapped onto the control-plane client, one module each."""
