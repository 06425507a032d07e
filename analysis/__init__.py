"""socplan: reproducible planning of social services in Czech regions."""

__version__ = "0.1.0"
