"""Search the user directory (to be written)."""
