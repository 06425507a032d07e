"""Default parameter files, shipped inside the package as ``analysis.defaults``."""
