"""Project tooling (local cloud emulators, helpers). Run modules with ``python -m tools.<name>``."""
