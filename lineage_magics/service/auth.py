"""AWS Signature Version 4 verification for ``lineage serve`` (shared access keys, no IAM).

``SigV4Verifier(keys)`` is a ``request_check(operation, environ, body)`` for ``service.http``: it
rebuilds the canonical request the way botocore signs it (``botocore.auth.SigV4Auth``), derives
the signing key from the secret of the request's access key id and compares signatures with
``hmac.compare_digest``. It refuses as AWS does: an unknown key id with
``UnrecognizedClientException``, a wrong signature or a tampered request with
``InvalidSignatureException``, a request signed more than 15 minutes away from the server's clock
with ``InvalidSignatureException`` ("Signature expired"), all HTTP 403; a missing or malformed
``Authorization`` header with ``MissingAuthenticationTokenException`` (403) or
``IncompleteSignatureException`` (400).

Keys come from ``load_keys(path)`` (lines ``ACCESS_KEY_ID:SECRET``; ``#`` comments), from
``parse_key("ID:SECRET")`` or from ``keys_from_env()`` (``LINEAGE_SERVE_ACCESS_KEYS``, comma-separated
``ID:SECRET`` pairs). Secrets are never logged or put in an answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import posixpath
import re
import time
from collections.abc import Callable
from urllib.parse import quote

from .errors import ServiceFault

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = dt.timedelta(minutes=15)
ENV_KEYS = "LINEAGE_SERVE_ACCESS_KEYS"
_AUTH = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),"
    r"\s*Signature=(?P<signature>[0-9a-fA-F]{64})\s*"
)
_KEY_ID = re.compile(r"[A-Za-z0-9_+=/.@-]{1,128}")
_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details."
)


def _forbidden(code: str, message: str, status: int = 403) -> ServiceFault:
    return ServiceFault(code, message, status)


def parse_key(text: str) -> tuple[str, str]:
    """``"ID:SECRET"`` -> ``(id, secret)``; ValueError naming the problem (never the secret)."""
    key_id, sep, secret = text.strip().partition(":")
    if not sep or not secret or not _KEY_ID.fullmatch(key_id):
        raise ValueError("an access key is ACCESS_KEY_ID:SECRET (id of letters, digits and _+=/.@-)")
    return key_id, secret


def load_keys(path: str) -> dict[str, str]:
    """Access keys from a file: one ``ACCESS_KEY_ID:SECRET`` a line, blank lines and ``#`` comments ignored."""
    keys: dict[str, str] = {}
    with open(os.path.expanduser(path), encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                key_id, secret = parse_key(line)
            except ValueError as exc:
                raise ValueError(f"{path}, line {number}: {exc}") from None
            keys[key_id] = secret
    if not keys:
        raise ValueError(f"{path} holds no access keys")
    return keys


def keys_from_env(environ: dict | None = None) -> dict[str, str]:
    """Access keys from ``LINEAGE_SERVE_ACCESS_KEYS`` (``ID:SECRET[,ID:SECRET...]``); empty if unset."""
    value = (environ if environ is not None else os.environ).get(ENV_KEYS, "")
    return dict(parse_key(part) for part in value.split(",") if part.strip())


def _headers(environ: dict) -> dict[str, str]:
    """The request's headers, lower-cased, from a WSGI environ."""
    out = {}
    for name, value in environ.items():
        if name.startswith("HTTP_"):
            out[name[5:].replace("_", "-").lower()] = value
    for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(name):
            out[name.replace("_", "-").lower()] = environ[name]
    return out


def _canonical_path(path: str) -> str:
    """botocore's ``_normalize_url_path``: dot segments removed, then URI-encoded."""
    if not path:
        return "/"
    normalized = posixpath.normpath(path)
    if path.endswith("/") and normalized != "/":
        normalized += "/"
    normalized = "/" + normalized.lstrip("/")
    return quote(normalized, safe="/~")


def _canonical_query(query: str) -> str:
    pairs = [pair.partition("=")[::2] for pair in query.split("&")] if query else []
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


class SigV4Verifier:
    """A ``request_check`` verifying SigV4 signatures against shared access keys."""

    def __init__(
        self,
        keys: dict[str, str],
        *,
        service: str = "sagemaker",
        max_skew: dt.timedelta = MAX_SKEW,
        clock: Callable[[], float] = time.time,
    ):
        if not keys:
            raise ValueError("SigV4 verification needs at least one access key")
        self.keys = dict(keys)
        self.service = service
        self.max_skew = max_skew
        self.clock = clock

    def __repr__(self) -> str:  # key ids only, never secrets
        return f"<SigV4Verifier {self.service} keys={sorted(self.keys)}>"

    def __call__(self, operation: str, environ: dict, body: bytes) -> None:
        headers = _headers(environ)
        authorization = headers.get("authorization")
        if not authorization:
            raise _forbidden("MissingAuthenticationTokenException", "Missing Authentication Token")
        found = _AUTH.fullmatch(authorization)
        if not found:
            raise _forbidden(
                "IncompleteSignatureException",
                "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' "
                f"parameters of the {ALGORITHM} algorithm.",
                400,
            )
        scope = found["credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            raise _forbidden(
                "IncompleteSignatureException",
                "Credential must have exactly 5 slash-delimited elements, e.g. "
                "keyid/date/region/service/aws4_request.",
                400,
            )
        key_id, date, region, service, _ = scope
        secret = self.keys.get(key_id)
        if secret is None:
            raise _forbidden(
                "UnrecognizedClientException", "The security token included in the request is invalid."
            )
        if service != self.service:
            raise _forbidden(
                "InvalidSignatureException",
                f"Credential should be scoped to correct service: '{self.service}'.",
            )
        amz_date = headers.get("x-amz-date", "")
        try:
            when = dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
        except ValueError:
            raise _forbidden(
                "IncompleteSignatureException", "The request must carry a valid X-Amz-Date header.", 400
            ) from None
        if date != amz_date[:8]:
            raise _forbidden(
                "InvalidSignatureException", f"Credential should be scoped to a valid date: '{amz_date[:8]}'."
            )
        now = dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc)
        if abs(now - when) > self.max_skew:
            stamp = now.strftime("%Y%m%dT%H%M%SZ")
            edge = (now - self.max_skew if when < now else now + self.max_skew).strftime("%Y%m%dT%H%M%SZ")
            relation = "earlier" if when < now else "later"
            raise _forbidden(
                "InvalidSignatureException",
                f"Signature expired: {amz_date} is now {relation} than {edge} ({stamp} "
                f"{'-' if when < now else '+'} 15 min.)",
            )
        signed = found["signed"].split(";")
        if signed != sorted(set(signed)) or not {"host", "x-amz-date"} <= set(signed):
            raise _forbidden(
                "InvalidSignatureException", "SignedHeaders must be sorted and include host and x-amz-date."
            )
        if "x-amz-target" in headers and "x-amz-target" not in signed:
            raise _forbidden("InvalidSignatureException", "The X-Amz-Target header must be signed.")
        missing = [name for name in signed if name not in headers]
        if missing:
            raise _forbidden("InvalidSignatureException", _BAD_SIGNATURE)
        payload_hash = hashlib.sha256(body).hexdigest()
        claimed = headers.get("x-amz-content-sha256")
        if claimed is not None and claimed != payload_hash:
            raise _forbidden("InvalidSignatureException", _BAD_SIGNATURE)
        canonical = "\n".join(
            [
                environ.get("REQUEST_METHOD", "GET").upper(),
                _canonical_path(environ.get("PATH_INFO", "/")),
                _canonical_query(environ.get("QUERY_STRING", "")),
                "".join(f"{name}:{' '.join(headers[name].split())}\n" for name in signed),
                ";".join(signed),
                payload_hash,
            ]
        )
        string_to_sign = "\n".join(
            [ALGORITHM, amz_date, "/".join(scope[1:]), hashlib.sha256(canonical.encode()).hexdigest()]
        )
        key = _signing_key(secret, date, region, service)
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, found["signature"].lower()):
            raise _forbidden("InvalidSignatureException", _BAD_SIGNATURE)
