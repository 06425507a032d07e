"""The region's own data in: the workbook of ``socplan template`` and its intake by
``socplan intake`` into canonical tables, with protocols for the providers.

The intake layer reads workbooks and writes canonical tables; it may use the data layer
(schemas, provenance), the presentation helpers (Czech plurals) and the publication's
workbook writer.
"""
