"""One router module per area of the workbench (see workbench/README.md)."""
