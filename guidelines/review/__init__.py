"""Review: the append-only audit log (workflow, comments and notifications follow)."""
