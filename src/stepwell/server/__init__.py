"""The stepwell server: the metadata store of a team behind an authenticated REST API.

`app.create_app` builds the FastAPI application; `routes` makes one route per `Store`
method from the endpoint table; `auth` logs callers in and checks their roles.
"""
