"""Static transparency site generator for Offices of Police and Crime Commissioners."""

from importlib.metadata import version

# One home for the version: pyproject.toml, read back from the installed package's metadata.
__version__ = version("opcc-transparency")
