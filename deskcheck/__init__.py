"""deskcheck: browser-driven integration tests for contact-center agent desktops."""

__version__ = "0.1.0"
