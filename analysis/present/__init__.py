"""Layer 3, presentation: Czech number formatting, labels, figures, maps, and the
notebook runtime that publishes tables and figures (:mod:`analysis.present.notebook`)."""
