"""``/explore``: the org-chart and network explorer, a static page that talks to ``/graphql``.

The page is built from ``explorer/`` (``npm ci && npm run build``) into
``service/static/explore/``; this module only serves that folder:

- ``/explore`` redirects to ``/explore/`` (the query string is kept; browsers keep the
  ``#…`` fragment, which holds the view and the selection), so the page's relative links
  (``app.js``, ``../graphql``) resolve under any mount prefix;
- ``/explore/`` is ``index.html``, never cached, with a Content-Security-Policy that allows
  scripts, styles and connections to this origin only (no CDN can creep in);
- ``/explore/<asset>`` are the built files.

When the folder has not been built, every ``/explore`` URL answers 503 with the command
that builds it, rather than a bare 404.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

DEFAULT_STATIC_DIR = Path(__file__).resolve().parent / "static" / "explore"
"""Where ``npm run build`` in ``explorer/`` writes the page."""

INDEX = "index.html"

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'self'",
    )
)

NOT_BUILT = (
    "The explorer page has not been built: {where} has no {index}.\n"
    "Build it with:  cd explorer && npm ci && npm run build\n"
)


def is_built(static_dir: Path | None = None) -> bool:
    """True when ``static_dir`` (default: the package's static folder) holds a built page."""
    return ((static_dir or DEFAULT_STATIC_DIR) / INDEX).is_file()


class _Assets:
    """The built files, or a 503 that says how to build them."""

    def __init__(self, static_dir: Path) -> None:
        self._dir = static_dir
        self._files = StaticFiles(directory=static_dir, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_built(self._dir):
            response: Response = _not_built(self._dir)
        elif _rest(scope) in ("", "/", f"/{INDEX}"):
            response = _index(self._dir)
        else:
            await self._files(scope, receive, send)
            return
        await response(scope, receive, send)


def _rest(scope: Scope) -> str:
    """The part of the path below the mount point (``/app.js``; ``/`` for the page)."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _not_built(static_dir: Path) -> Response:
    return PlainTextResponse(NOT_BUILT.format(where=static_dir, index=INDEX), status_code=503)


def _index(static_dir: Path) -> Response:
    return FileResponse(
        static_dir / INDEX,
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-cache", "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"},
    )


def explorer_routes(static_dir: Path | None = None) -> list[BaseRoute]:
    """The routes of the explorer: ``/explore`` and its assets from ``static_dir``.

    ``static_dir`` defaults to ``service/static/explore`` (where the build writes). The
    folder may be missing when the routes are made (it is looked at per request).
    """
    folder = (static_dir or DEFAULT_STATIC_DIR).resolve()

    async def redirect(request: Request) -> Response:
        query = request.url.query
        return RedirectResponse(request.url.path + "/" + (f"?{query}" if query else ""), status_code=307)

    return [
        Route("/explore", redirect, methods=["GET", "HEAD"], name="explore"),
        Mount("/explore", app=_Assets(folder), name="explore-assets"),
    ]


__all__ = ["CSP", "DEFAULT_STATIC_DIR", "explorer_routes", "is_built"]
