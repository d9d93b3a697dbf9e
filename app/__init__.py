"""OrderDesk: a desktop multichannel order desk for online sellers."""

__version__ = "0.1.0"
