"""site-builder: raw scraped articles -> an annotated reading archive."""
__version__ = "0.1.0"
