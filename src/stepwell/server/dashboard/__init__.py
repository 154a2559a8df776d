"""The dashboard: a small browser app served by the stepwell server (server).

`mount_dashboard(app, store, require)` adds to the server application:

- `/` (the app's page) and `/static/<file>` (its ES modules and stylesheet, shipped in this
  package's `static/` folder; no build step, nothing fetched from elsewhere), all with a
  strict Content-Security-Policy (see `assets`);
- two read routes the REST API lacks because they return files, not records (see `reads`):
  a step run's logs and an artifact version's visualizations, each confined to the known
  artifact-store roots, the latter served as a sandboxed document;
- the run page's cache explanations (see `explanations`): the Client's verdicts, not a
  `Store` method, so a route of their own;
- stacks and components with their secret settings masked (see `stack_views`): the page
  that shows them never receives a secret value.

Everything else the app shows comes from the same `/api/v1` routes the Python client uses;
the browser authenticates with the login cookie (see `server/cookies`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from stepwell.server.dashboard.assets import build_asset_router
from stepwell.server.dashboard.explanations import build_explanation_router
from stepwell.server.dashboard.reads import build_read_router
from stepwell.server.dashboard.stack_views import build_stack_view_router


def mount_dashboard(app: FastAPI, store: Any, require: Any) -> None:
    """Serve the dashboard and its file-reading routes from `app`."""
    app.include_router(build_read_router(store, require))
    app.include_router(build_explanation_router(store, require))
    app.include_router(build_stack_view_router(store, require))
    app.include_router(build_asset_router())
