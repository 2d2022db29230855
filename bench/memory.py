#!/usr/bin/env python
"""Memory of a web worker when another process (the job worker) fetches the every-lead copy.

    N=50000 .venv/bin/python bench/memory.py

Seeds a sandbox with N leads, then runs two fresh processes sharing a file cache (as web servers
and the job worker share Redis in production): the job worker's fetch of every lead (its RSS and
peak), then a web worker serving the list, board and overview 20 times from the stored copy (its
RSS before and after, and its peak; the pages must make no TaskIP call and never say the leads
are still coming). Prints one line per process.
"""

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


PRELUDE = """
import re
def memory():
    st = open("/proc/self/status").read()
    mb = lambda key: int(re.search(key + r":\\s+(\\d+)", st).group(1)) // 1024
    return mb("VmRSS"), "peak MB", mb("VmHWM")
"""


def main() -> None:
    from sandbox.testing import start_sandbox

    N = int(os.environ.get("N", "50000"))
    tmp = Path(tempfile.mkdtemp())
    sb = start_sandbox(tmp / "sb", leads=N, threads=4)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crmui.settings",
        "CACHE_URL": f"filecache://{tmp}/cache",
        "DATABASE_URL": f"sqlite:///{tmp}/d.sqlite3",
        "TASKIP_BASE_URL": sb.api_url,
        "TASKIP_SECRET_KEY": sb.key,
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        "TASKIP_READ_TIMEOUT": "120",
        "PYTHONPATH": str(ROOT),
    }
    rss = "print('RSS MB', *memory())"
    fetcher = PRELUDE + textwrap.dedent(
        f"""
    import django; django.setup()
    from django.core.management import call_command; call_command('migrate', verbosity=0)
    from leads import snapshot
    s = snapshot.refresh_now(); snapshot.flush(); print('fetched', len(s.leads))
    {rss}
    """
    )
    web = PRELUDE + textwrap.dedent(
        f"""
    import django; django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    u = get_user_model().objects.create_user(username='m', password='x-m-1'); u.groups.add(Group.objects.get(name='Manager'))
    c = Client(); c.force_login(u)
    {rss}
    for url in ['/leads/', '/leads/board/', '/reports/', '/leads/?q=a', '/leads/?sort=name'] * 4:
        r = c.get(url); assert r.status_code == 200, (url, r.status_code)
        assert 'still sending every lead' not in r.content.decode(), url
    print('X-Upstream-Calls of the last page', r['X-Upstream-Calls'])
    {rss}
    """
    )
    try:
        for name, code in (("job worker (fetches)", fetcher), ("web worker (reads the stored copy)", web)):
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
            print(name, "->", out.stdout.strip().replace("\n", " | "), out.stderr[-800:] if out.returncode else "")
    finally:
        sb.stop()


if __name__ == "__main__":
    main()
