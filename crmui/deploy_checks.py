"""What production settings refuse at start (crmui/settings_production.py); importable on its own."""

from __future__ import annotations

# Placeholders people leave in .env files; a key containing one of these is not a secret.
_PLACEHOLDERS = (
    "change-me",
    "changeme",
    "change_me",
    "insecure",
    "secret-key",
    "secretkey",
    "your-secret",
    "yoursecret",
    "example",
    "password",
    "default",
    "replace-me",
    "todo",
    "xxxxxxxx",
)
# Caches each process keeps for itself.
PER_PROCESS_CACHES = ("LocMemCache", "DummyCache")


def weak_secret_key(key: str) -> str | None:
    """Why ``key`` is not fit to sign sessions in production, or None."""
    if not key:
        return "it is not set"
    if len(key) < 50:
        return f"it is {len(key)} characters long (at least 50 are needed)"
    lowered = key.lower()
    if any(word in lowered for word in _PLACEHOLDERS):
        return "it is a placeholder, not a random value"
    if len(set(key)) < 16:
        return f"it uses only {len(set(key))} different characters"
    grams = [key[i : i + 4] for i in range(len(key) - 3)]
    if len(set(grams)) < 0.75 * len(grams):
        return "it repeats itself"
    return None


def per_process_cache_problem(backend: str, web_concurrency: int) -> str | None:
    """The refusal for a per-process cache when more than one process may serve, or None."""
    name = backend.rsplit(".", 1)[-1]
    if name not in PER_PROCESS_CACHES or web_concurrency == 1:
        return None
    return (
        f"The cache ({name}) is per process, and more than one process serves the dashboard (gunicorn "
        "workers, job workers): each would keep its own copy, its own view of what was changed, and "
        "show what another has already changed. Set CACHE_URL to the shared Redis, e.g. "
        "CACHE_URL=redis://127.0.0.1:6379/0 (or WEB_CONCURRENCY=1 for a single-process trial)."
    )
