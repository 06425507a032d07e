"""Layer 3, methods: pure computations on data frames (no files, no figures, no prose).

Accessibility, projections, demand and uncertainty, count models, network indicators,
plan evaluation. Methods take data frames and methodology values and return data frames.
"""
