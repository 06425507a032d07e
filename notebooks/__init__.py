"""The chapter notebooks, shipped inside the package as ``analysis.notebooks``."""
