"""A small user directory service."""
