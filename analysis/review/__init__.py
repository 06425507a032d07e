"""Reviewer tools: the opponent review pack (``socplan review``) and the generated
methodology report (``socplan methodology``)."""
