"""sockelint: finds where a repository hands a container the keys to the host."""

__version__ = "0.1.0"
