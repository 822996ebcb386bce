"""Performance measurements of deskcheck and its sandbox (`make bench`); not tests."""
