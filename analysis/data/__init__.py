"""Layer 2, data: the canonical tables of one run, validated, as a :class:`Dataset`.

Schemas, canonical CSV loading, the open-data builder (through the readers and the
source catalogue), the demo generator and ``socplan fetch``. Imports readers only.
"""
