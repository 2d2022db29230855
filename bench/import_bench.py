"""A 500-row CSV import while 5 people browse, against the sandbox's rate limits.

    .venv/bin/python bench/import_bench.py [--rows 500] [--people 5] [--scale 6]

Starts a sandbox, the dashboard under gunicorn (2 workers) and one job worker
(`manage.py run_huey`), all on free ports and temporary databases. A manager uploads the CSV,
maps it and starts the import (then never looks at it again); 5 sales people browse the list,
lead pages, the board and contacts meanwhile. Prints:

* the rate-limit errors people met (429s behind their pages, or a page saying the request
  limit was reached): the target is 0;
* the import's wall time against the minimum the budget allows (the calls it needs at the
  jobs' share of the per-minute burst, or the hourly reserve if that binds): target <= 1.2x.

Scaling: TaskIP allows 1,000 calls an hour and 100 a minute. So that the bench runs in a few
minutes, both limits are multiplied by ``--scale`` (6: 6,000 an hour, 600 a minute); the
rules are the same (jobs keep 30 % of the hour and take at most half of the burst).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.serve import start_dashboard  # noqa: E402
from sandbox.testing import start_sandbox  # noqa: E402

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RATE_WORDS = ("request limit", "Too Many Requests", "rate limit")


def csrf(session, url) -> str:
    return _CSRF.search(session.get(url, timeout=60).text).group(1)


class People(threading.Thread):
    """One salesperson clicking around with a few seconds between pages."""

    def __init__(self, dash, username, lead_ids, stop, seed):
        super().__init__(daemon=True)
        self.session = dash.session(username)
        self.url, self.lead_ids, self.stop, self.rng = dash.url, lead_ids, stop, random.Random(seed)
        self.pages = self.limit_errors = self.server_errors = 0
        self.errors: list[str] = []

    def run(self):
        paths = ["/leads/", "/leads/?page=2", "/leads/board/", "/contacts/", None, None]
        while not self.stop.is_set():
            path = self.rng.choice(paths) or f"/leads/{self.rng.choice(self.lead_ids)}/"
            try:
                r = self.session.get(self.url + path, timeout=60)
            except Exception as exc:  # noqa: BLE001 - count it, keep browsing
                self.errors.append(f"{path}: {exc}")
                continue
            self.pages += 1
            if r.status_code >= 500:
                self.server_errors += 1
            if r.status_code == 429 or any(w in r.text for w in RATE_WORDS):
                self.limit_errors += 1
                self.errors.append(f"{path}: rate-limit message")
            self.stop.wait(self.rng.uniform(2.0, 5.0))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--people", type=int, default=5)
    ap.add_argument("--scale", type=float, default=6.0, help="multiply TaskIP's 1000/h and 100/min limits")
    args = ap.parse_args()
    hourly, burst = int(1000 * args.scale), int(100 * args.scale)
    share, reserve = 0.5, 0.3
    tmp = Path(tempfile.mkdtemp(prefix="import-bench-"))
    print(
        f"sandbox limits: {hourly}/hour, {burst}/minute (TaskIP's x{args.scale:g}); jobs: <= {share:.0%} of the burst, "
        f"never the last {reserve:.0%} of the hour"
    )
    sandbox = start_sandbox(
        tmp / "sandbox",
        leads=300,
        contacts=40,
        threads=8,
        env={"SANDBOX_RATE_LIMIT": hourly, "SANDBOX_BURST_LIMIT": burst},
    )
    env = {
        "JOBS_QUEUE_PATH": str(tmp / "queue.sqlite3"),
        "TASKIP_BURST_LIMIT": burst,
        "JOBS_BURST_SHARE": share,
        "JOBS_HOURLY_RESERVE": reserve,
        "LOG_LEVEL": "WARNING",
    }
    users = {"manager1": "Manager", **{f"sales{i}": "Sales" for i in range(1, args.people + 1)}}
    dash = start_dashboard(tmp / "dash", sandbox, workers=2, env=env, users=users)
    worker_log = open(tmp / "worker.log", "ab")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey"],
        cwd=str(REPO_ROOT),
        env={**dash.env, "LOG_LEVEL": "WARNING"},
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    stop = threading.Event()
    people = []
    try:
        lead_ids = [x["id"] for x in sandbox.api("GET", "/lead", params={"item": 0}).json()["data"]][:200]
        sandbox.reset_limits()
        marker = f"Bench{int(time.time())}"
        csv_text = "First name,Last name,Email\n" + "".join(
            f"{marker} {n},Row,{marker.lower()}-{n}@example.com\n" for n in range(args.rows)
        )
        manager = dash.session("manager1")
        people = [
            People(dash, name, lead_ids, stop, seed=i)
            for i, name in enumerate(sorted(users))
            if name.startswith("sales")
        ]
        for p in people:
            p.start()
        time.sleep(5)  # people are browsing before the import starts

        token = csrf(manager, dash.url + "/reports/import/")
        r = manager.post(
            dash.url + "/reports/import/",
            data={"csrfmiddlewaretoken": token},
            files={"file": ("bench.csv", csv_text.encode(), "text/csv")},
            allow_redirects=False,
            timeout=120,
        )
        map_url = dash.url + r.headers["Location"]
        token = csrf(manager, map_url)
        r = manager.post(
            map_url,
            data={
                "csrfmiddlewaretoken": token,
                "col_0": "first_name",
                "col_1": "last_name",
                "col_2": "email",
                "date_order": "dmy",
            },
            allow_redirects=False,
            timeout=120,
        )
        review_url = dash.url + r.headers["Location"]
        token = csrf(manager, review_url)
        started = time.time()
        r = manager.post(
            review_url, data={"csrfmiddlewaretoken": token, "mode": "create"}, allow_redirects=False, timeout=120
        )
        job_url = dash.url + r.headers["Location"]
        while True:  # the manager's tab is closed: the bench only peeks at the job's state
            html = manager.get(job_url, headers={"HX-Request": "true", "HX-Target": "import-progress"}, timeout=60).text
            state = re.search(r'data-status="([a-z_]+)"', html).group(1)
            if state in ("done", "paused", "cancelled"):
                break
            time.sleep(0.5)
        wall = time.time() - started
        stop.set()
        for p in people:
            p.join(timeout=60)
        created = int(re.search(r'id="count-created">(\d+)<', html).group(1))
        calls_needed = created  # one create per row
        per_minute = burst * share
        minimum = calls_needed / per_minute * 60
        job_429 = (tmp / "worker.log").read_text(errors="replace").count("status=429")
        people_429 = dash.log_text().count("status=429")
        pages = sum(p.pages for p in people)
        limit_errors = sum(p.limit_errors for p in people)
        server_errors = sum(p.server_errors for p in people)
        print(f"import: {created} of {args.rows} rows created, state {state}")
        print(
            f"import wall time: {wall:.1f} s; minimum the budget allows: {minimum:.1f} s "
            f"({calls_needed} calls at {per_minute:g}/min); ratio {wall / minimum:.2f}x"
        )
        print(
            f"people: {len(people)} browsing, {pages} pages, {limit_errors} rate-limit errors, {server_errors} server errors; "
            f"429s behind people's pages: {people_429}; 429s met by the job: {job_429}"
        )
        for p in people:
            for e in p.errors[:3]:
                print("  ", e)
        return 0 if (limit_errors == 0 and people_429 == 0 and state == "done" and wall <= 1.2 * minimum) else 1
    finally:
        stop.set()
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        worker_log.close()
        dash.stop()
        sandbox.stop()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
