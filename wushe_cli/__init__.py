"""The `wushe` command: run the stack, migrate, mint development tokens."""
