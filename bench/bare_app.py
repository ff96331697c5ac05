"""The baseline: a bare Flask app that serves one page's bytes from memory, at every path.

``BENCH_BARE_HTML`` names the file holding the page, fetched from the real app beforehand, so
the baseline sends the same bytes as the page it is compared with.
"""

import os
from pathlib import Path

from flask import Flask, Response

PAGE = Path(os.environ.get("BENCH_BARE_HTML", "/dev/null")).read_bytes()

app = Flask(__name__)


@app.route("/", defaults={"path": ""})
@app.route("/<path:path>")
def page(path: str) -> Response:
    """Return the page as it was fetched."""
    return Response(PAGE, mimetype="text/html")
