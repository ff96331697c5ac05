"""A crash between commit and indexing loses nothing, and processes that import and sync at
the same moment leave one index that holds everything. Each test commits for real, so it runs
on a SQLite file database of its own (``file_app``), never the shared session database."""

import os
import subprocess
import sys
import textwrap

import pytest

from guidelines.extensions import db
from guidelines.search.index import get_index, lag, sync
from tests.conftest import REPO
from tests.search.conftest import PUBLIC, file_app, find, indexed_ids

# The child processes build the same app as file_app, on the same files.
CHILD_PRELUDE = """
import os, signal, sys, time
sys.path.insert(0, {repo!r})
from sqlalchemy.exc import OperationalError
from guidelines import create_app
from guidelines.extensions import db
from guidelines.library.operations import ImportRequest, import_version
from guidelines.search.index import IndexBusy, get_index, sync
from tests.conftest import base_config

app = create_app(base_config({url!r}, {index!r}))


def committed(work, attempts=60):
    # SQLite lets one writer at a time; another answers "database is locked" once its busy
    # timeout is over. Only then is the whole transaction retried: nothing was committed.
    for attempt in range(attempts):
        try:
            work()
            db.session.commit()
            return
        except OperationalError as error:
            db.session.rollback()
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.1)
"""


def child(directory, body: str) -> str:
    url = f"sqlite:///{directory / 'search.db'}"
    prelude = CHILD_PRELUDE.format(repo=str(REPO), url=url, index=str(directory / "index"))
    return prelude + textwrap.dedent(body)


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def text_of(name: str) -> str:
    return f"# {name}\n\n## Zorg\n\nDe {name}behandeling duurt zes weken.\n"


def test_a_crash_after_commit_loses_nothing(tmp_path):
    app = file_app(tmp_path)
    with app.app_context():
        sync(get_index())  # an index level with the (empty) database
    code = child(
        tmp_path,
        f"""
        with app.app_context():
            import_version({text_of("crash")!r}, ImportRequest(slug="crash", language="nl"))
            db.session.commit()
            os.kill(os.getpid(), signal.SIGKILL)  # before any sync, as a power cut would
        """,
    )
    outcome = run(code)
    assert outcome.returncode == -9, outcome.stderr
    with app.app_context():
        index = get_index()
        assert lag(index) > 0
        sync(index)
        assert lag(index) == 0
        hits = find(index, "crash", PUBLIC).hits
        assert [(hit.guideline, hit.heading) for hit in hits] == [("crash", "Zorg")]
        db.engine.dispose()


PROCESSES = 4
DOCUMENTS = 3


def test_processes_importing_and_syncing_at_once_leave_everything_indexed(tmp_path):
    app = file_app(tmp_path)
    code = f"""
    number = int(sys.argv[1])
    with app.app_context():
        for n in range({DOCUMENTS}):
            name = f"p{{number}}d{{n}}"
            text = f"# {{name}}\\n\\n## Zorg\\n\\nDe {{name}}behandeling duurt zes weken.\\n"
            committed(lambda: import_version(text, ImportRequest(slug=name, language="nl")))
            sync(get_index(), timeout=60)
        db.engine.dispose()
    """
    script = child(tmp_path, code)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(number)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(PROCESSES)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    with app.app_context():
        index = get_index()
        assert lag(index) == 0
        for number in range(PROCESSES):
            for n in range(DOCUMENTS):
                name = f"p{number}d{n}"
                assert [hit.guideline for hit in find(index, name, PUBLIC).hits] == [name]
        assert len(indexed_ids(index)) == PROCESSES * DOCUMENTS
        db.engine.dispose()


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="the PostgreSQL run needs TEST_DATABASE_URL"
)
def test_a_commit_on_postgresql_is_indexed_by_a_later_sync(committing_app, tmp_path):
    from guidelines.library.operations import ImportRequest, import_version

    app = committing_app
    with app.app_context():
        index = get_index(str(tmp_path / "index"))
        sync(index)
        import_version(text_of("pg"), ImportRequest(slug="pg", language="nl"))
        db.session.commit()
        assert lag(index) > 0
        sync(index)
        assert lag(index) == 0
        assert [hit.guideline for hit in find(index, "pg", PUBLIC).hits] == ["pg"]
