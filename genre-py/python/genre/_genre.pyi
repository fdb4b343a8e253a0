"""Type stubs of the private native module ``genre._genre``."""

__version__: str
