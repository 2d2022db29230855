"""Two job workers on one Redis queue: a bulk change started on server A runs in whichever
worker is free, and survives that worker's SIGKILL: the other worker takes it over by itself
(jobs/runner.py: lease + heartbeat, every worker's sentinel hands back a job whose lease ran
out) and every lead ends moved, none failed."""

from __future__ import annotations

import os
import re
import signal
import time
import uuid

import psycopg

from tests.deploy.conftest import Visitor


def _db(postgres):
    return psycopg.connect(
        host="127.0.0.1",
        port=postgres.port,
        user=postgres.user,
        password=postgres.password,
        dbname=postgres.database,
        autocommit=True,
    )


def _job(conn, job_id):
    return conn.execute(
        "SELECT state, lease_owner, processed, succeeded, failed, total FROM jobs_job WHERE id = %s", [job_id]
    ).fetchone()


def test_a_job_started_on_a_runs_on_a_free_worker_and_survives_its_sigkill(stack, deploy_sandbox, postgres):
    from crmui.taskip import TaskipClient

    statuses = [
        a
        for a in TaskipClient(deploy_sandbox.api_url, deploy_sandbox.key).attributes.list(item=100).items
        if a.is_status
    ]
    target = statuses[-1].id
    word = f"Job{uuid.uuid4().hex[:6]}"
    leads = [deploy_sandbox.create_lead(first_name=word, last_name=str(i)) for i in range(12)]
    worker_pids = {w.popen.pid: w for w in stack.workers}
    deploy_sandbox.config(latency_ms=400)  # each lead takes a while: time to kill the worker mid-job
    try:
        me = Visitor()
        assert me.log_in(stack.a.url, "admin1").status_code == 302
        token = me.csrf(stack.a.url, "/leads/")
        data = [
            ("csrfmiddlewaretoken", token),
            ("do", f"status:{target}"),
            ("back", "/leads/"),
            *[("ids", str(lead["id"])) for lead in leads],
        ]
        started = me.post(f"{stack.a.url}/leads/bulk/", data)
        assert started.status_code in (302, 303), started.text[:1000]
        bulk_url = started.headers["Location"]
        with _db(postgres) as conn:
            job_id = conn.execute(
                "SELECT job_id FROM leads_bulkjob WHERE id = %s", [int(re.search(r"/bulk/(\d+)/", bulk_url).group(1))]
            ).fetchone()[0]
            deadline = time.monotonic() + 60
            while True:  # a worker (not the web server) takes the job
                state, owner, processed, *_ = _job(conn, job_id)
                if state == "running" and owner and processed >= 2:
                    break
                assert time.monotonic() < deadline, f"no worker ran the job: {state} {owner}"
                time.sleep(0.2)
            first_pid = int(re.search(r":(\d+):", owner).group(1))  # host:pid:run
            assert first_pid in worker_pids, f"the job runs in a worker process, not {owner}"
            victim = worker_pids[first_pid]
            os.kill(first_pid, signal.SIGKILL)
            victim.popen.wait(timeout=10)
            killed_at_processed = processed
            # nobody helps: the surviving worker's sentinel sees the lease run out and takes the job
            deadline = time.monotonic() + 90
            while True:
                state, owner, processed, succeeded, failed, total = _job(conn, job_id)
                if state == "done":
                    break
                assert time.monotonic() < deadline, (
                    f"the job did not finish after the kill: {state} {processed}/{total}"
                )
                time.sleep(0.3)
        assert (succeeded, failed, total) == (12, 0, 12)
        assert killed_at_processed < 12, "the kill happened mid-job"
        other = next(w for pid, w in worker_pids.items() if pid != first_pid)
        deadline = time.monotonic() + 15  # its log line follows the job's "done" by a moment
        while not re.search(rf"job {job_id}: done", other.log()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert re.search(rf"job {job_id}: done", other.log()), "the other worker finished the job"
        for lead in leads:  # every lead moved, none left behind
            data = deploy_sandbox.api("GET", f"/lead/{lead['id']}").json()["data"]
            assert target in [s["id"] for s in data["statuses"]], data
    finally:
        deploy_sandbox.config(latency_ms=0)
