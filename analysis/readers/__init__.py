"""Layer 1, readers: one official file → one data frame, with file/row/column errors.

Readers know file formats, encodings and codes; they import nothing above
:mod:`analysis.errors`, :mod:`analysis.codelists` and :mod:`analysis.readers.common`.
"""
