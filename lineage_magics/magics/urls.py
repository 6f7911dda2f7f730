"""Backend URLs for the magics: validation, the default, and a credential-free form for display."""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs, urlsplit

DEFAULT_URL = "sqlite:///~/.lineage_magics/lineage.db"
ENV_VAR = "LINEAGE_MAGICS_URL"
FORMS = "memory://, sqlite:///PATH.db, sagemaker://[REGION][?profile=NAME], http://HOST:PORT"
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")


def effective_url(configured: str | None) -> str:
    """The configured URL, else ``$LINEAGE_MAGICS_URL``, else the default embedded store (DESIGN.md section 2)."""
    return configured or os.environ.get(ENV_VAR) or DEFAULT_URL


def check_url(url: str) -> str:
    """``url`` stripped when it is a lineage URL; ValueError saying what is wrong otherwise."""
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in ("memory", "sqlite", "sagemaker", "http", "https"):
        raise ValueError(f"{url!r} is not a lineage URL; use one of {FORMS}")
    if scheme == "sqlite" and not rest.lstrip("/"):
        raise ValueError(f"{url!r} names no database file; use sqlite:///PATH.db")
    if scheme == "sagemaker":
        parts = urlsplit(url)
        if parts.hostname and not _REGION.fullmatch(parts.hostname):
            raise ValueError(f"{parts.hostname!r} in {url!r} is not an AWS region (like us-east-1)")
        unknown = set(parse_qs(parts.query, keep_blank_values=True)) - {"profile"}
        if unknown:
            raise ValueError(f"sagemaker:// takes only ?profile=NAME, not {', '.join(sorted(unknown))}")
    if scheme in ("http", "https"):
        parts = urlsplit(url)
        if not parts.hostname:
            raise ValueError(f"{url!r} names no host; use http://HOST:PORT")
        try:
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError:
            raise ValueError(f"{url!r} has a bad port") from None
    return url


def redact(url: str) -> str:
    """The URL without credentials: no user:password, and of the query only ``region`` and ``profile``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "sagemaker"):
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    kept = [(k, v[0]) for k, v in parse_qs(parts.query).items() if k in ("region", "profile")]
    query = "&".join(f"{k}={v}" for k, v in kept)
    path = parts.path if parts.scheme != "sagemaker" else ""
    return f"{parts.scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def backend_kind(url: str) -> str:
    """A short description of the backend a URL names."""
    scheme = url.partition("://")[0].lower()
    return {
        "memory": "embedded service, in memory",
        "sqlite": "embedded service, SQLite file",
        "sagemaker": "Amazon SageMaker",
        "http": "SageMaker-compatible HTTP endpoint",
        "https": "SageMaker-compatible HTTP endpoint",
    }.get(scheme, "unknown")


def profile_of(url: str) -> str | None:
    """The ``?profile=`` of a sagemaker:// URL, or None."""
    values = parse_qs(urlsplit(url).query).get("profile")
    return values[0] if values else None
