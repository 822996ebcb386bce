"""The reference contact center that ships with deskcheck.

Each system (crm, cti, ...) is its own ASGI app with its own origin, SQLite database and
OpenAPI document; they integrate only over HTTP. The suite never imports this package.
"""
