"""Writes under load: authors save revisions through the API while readers read.

Each author reads the adaptation, saves a text of its own naming the revision it read, and,
after a save that went through, sends a second one naming the same (now stale) revision. That
one must be refused with 409. Afterwards every save that got a 2xx must be in the database with
its exact text, and the revisions must form one chain: nothing lost, nothing overwritten.
"""

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select

from guidelines.adaptation.models import Revision
from guidelines.extensions import db


@dataclass
class Tally:
    """What the authors' saves got back, and what they wrote."""

    saved: dict[int, str] = field(default_factory=dict)  # revision id -> exact text sent
    conflicts: int = 0
    stale_sent: int = 0
    stale_accepted: int = 0  # a stale save answered 2xx: an overwrite
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Check:
    """The database's account of the saves, after the load."""

    saved: int
    conflicts: int
    stale_sent: int
    stale_accepted: int
    lost: int
    broken_chain: bool
    failures: list[str]

    @property
    def ok(self) -> bool:
        """Tell whether nothing was lost, overwritten or refused without reason."""
        return not (self.lost or self.stale_accepted or self.broken_chain or self.failures)


class Authors:
    """Author threads saving revisions of one adaptation until stopped."""

    def __init__(self, base_url: str, adaptation_id: int, token: str, count: int) -> None:
        self.url = f"{base_url}/api/v1/adaptations/{adaptation_id}"
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.tally = Tally()
        self.stopped = threading.Event()
        self.threads = [
            threading.Thread(target=self._write, args=(number,), daemon=True)
            for number in range(count)
        ]

    def __enter__(self) -> "Authors":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join()

    def _call(self, method: str, url: str, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, headers=self.headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def _write(self, number: int) -> None:
        save = 0
        while not self.stopped.is_set():
            try:
                status, current = self._call("GET", self.url)
                if status != 200:
                    self._fail(f"GET adaptation: {status}")
                    continue
                parent = current["current_revision"]["id"]
                save += 1
                text = f"{current['markdown']}\n\nAuthor {number}, save {save}.\n"
                self._save(parent, text)
            except (OSError, ValueError, KeyError) as error:
                self._fail(f"author {number}: {error!r}")
                time.sleep(0.1)

    def _save(self, parent: int, text: str) -> None:
        body = {"parent_revision": parent, "markdown": text, "message": "bench load"}
        status, answer = self._call("PUT", f"{self.url}/text", body)
        if status == 409:
            with self.tally.lock:
                self.tally.conflicts += 1
            return
        if status // 100 != 2:
            self._fail(f"PUT text: {status} {answer.get('message', '')}")
            return
        with self.tally.lock:
            self.tally.saved[answer["id"]] = text
        # The same parent again: it is stale now, whatever the other authors did meanwhile.
        stale = {**body, "markdown": text + "x"}
        stale_status, _answer = self._call("PUT", f"{self.url}/text", stale)
        with self.tally.lock:
            self.tally.stale_sent += 1
            if stale_status // 100 == 2:
                self.tally.stale_accepted += 1
            elif stale_status == 409:
                self.tally.conflicts += 1
            else:
                self.tally.failures.append(f"stale PUT: {stale_status}")

    def _fail(self, message: str) -> None:
        with self.tally.lock:
            if len(self.tally.failures) < 20:
                self.tally.failures.append(message)

    def check(self, app: Flask, adaptation_id: int) -> Check:
        """Compare every accepted save with what the database holds now."""
        tally = self.tally
        lost = 0
        with app.app_context():
            revisions = db.session.scalars(
                select(Revision)
                .where(Revision.adaptation_id == adaptation_id)
                .order_by(Revision.number)
            ).all()
            by_id = {revision.id: revision for revision in revisions}
            for revision_id, text in tally.saved.items():
                revision = by_id.get(revision_id)
                if revision is None or revision.text() != text:
                    lost += 1
            numbers = [revision.number for revision in revisions]
            pairs = zip(revisions, revisions[1:], strict=False)
            chain = all(later.parent_id == earlier.id for earlier, later in pairs)
            db.engine.dispose()
        return Check(
            saved=len(tally.saved),
            conflicts=tally.conflicts,
            stale_sent=tally.stale_sent,
            stale_accepted=tally.stale_accepted,
            lost=lost,
            broken_chain=not chain or numbers != list(range(1, len(numbers) + 1)),
            failures=list(tally.failures),
        )
