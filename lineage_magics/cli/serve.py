"""``lineage serve``: the embedded SageMaker lineage service over HTTP."""

from __future__ import annotations

import argparse
import os
import sys

from ..connect import DEFAULT_URL


def _limit(text: str) -> tuple[str, int | None]:
    kind, sep, value = text.partition("=")
    if not sep or kind not in ("artifacts", "contexts", "actions", "associations"):
        raise argparse.ArgumentTypeError(
            f"expected KIND=N with KIND in artifacts, contexts, actions, associations: {text!r}"
        )
    try:
        return kind, None if value.lower() == "none" else int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from exc


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a rate is between 0 and 1, not {text}")
    return value


def build(serve: argparse.ArgumentParser) -> None:
    """The options of ``lineage serve``."""
    store = serve.add_mutually_exclusive_group()
    store.add_argument(
        "--db", metavar="PATH", help="the SQLite store (default: ~/.lineage_magics/lineage.db)"
    )
    store.add_argument("--memory", action="store_true", help="an in-memory store, gone when the server stops")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: loopback only)"
    )
    serve.add_argument("--port", type=int, default=8700, help="port (default 8700; 0 picks a free one)")
    serve.add_argument(
        "--latency", type=float, default=0.0, metavar="S", help="seconds to wait before each answer"
    )
    serve.add_argument("--throttle-rate", type=_rate, default=0.0, metavar="R",
                       help="share of calls answered ThrottlingException")  # fmt: skip
    serve.add_argument("--error-rate", type=_rate, default=0.0, metavar="R",
                       help="share of calls answered InternalFailure (HTTP 500)")  # fmt: skip
    serve.add_argument("--seed", type=int, help="seed for the injected faults")
    serve.add_argument("--limit", type=_limit, action="append", default=[], metavar="KIND=N",
                       help="manual-entity limit, e.g. artifacts=100 (or none); repeatable")  # fmt: skip
    serve.add_argument("--allow-delete-with-associations", action="store_true",
                       help="delete an entity's associations with it instead of refusing")  # fmt: skip
    serve.add_argument("--region", default="us-east-1", help="region in new ARNs (default us-east-1)")
    serve.add_argument("--account", default="000000000000", help="account id in new ARNs")
    serve.add_argument("--threads", type=int, default=4, help="worker threads (default 4)")
    serve.add_argument("--auth-keys", metavar="FILE",
                       help="verify AWS SigV4 signatures against the access keys in FILE (ID:SECRET a line)")  # fmt: skip
    serve.add_argument("--access-key", action="append", default=[], metavar="ID:SECRET",
                       help="an access key to verify SigV4 signatures against; repeatable "
                       "(also: $LINEAGE_SERVE_ACCESS_KEYS=ID:SECRET,...)")  # fmt: skip
    serve.add_argument("--max-body-size", type=int, default=None, metavar="BYTES",
                       help="largest request body answered (default 2 MiB; larger: HTTP 413)")  # fmt: skip


def _request_check(args):
    """The SigV4 verifier for the configured keys, or None when no key is configured."""
    from ..service.auth import SigV4Verifier, keys_from_env, load_keys, parse_key

    keys = keys_from_env()
    if args.auth_keys:
        keys.update(load_keys(args.auth_keys))
    keys.update(parse_key(text) for text in args.access_key)
    return SigV4Verifier(keys) if keys else None


def run(args) -> int:
    """Serve until stopped; the exit code."""
    from ..service import Service, StoreError
    from ..service.http import MAX_BODY, serve

    try:
        check = _request_check(args)
    except (OSError, ValueError) as exc:
        print(f"lineage serve: {exc}", file=sys.stderr)
        return 2
    if check is not None:
        print(f"lineage serve: verifying SigV4 signatures ({len(check.keys)} access keys)", file=sys.stderr)
    if args.memory:
        path = ":memory:"
    else:
        path = os.path.abspath(os.path.expanduser(args.db or DEFAULT_URL[len("sqlite:///") :]))
    try:
        service = Service(path, region=args.region, account=args.account)
    except (StoreError, ValueError) as exc:
        print(f"lineage serve: {exc}", file=sys.stderr)
        return 2
    service.configure(
        latency=args.latency,
        throttle_rate=args.throttle_rate,
        error_rate=args.error_rate,
        seed=args.seed,
        limits=dict(args.limit) or None,
        refuse_delete_with_associations=not args.allow_delete_with_associations,
    )
    try:
        serve(
            service,
            args.host,
            args.port,
            threads=args.threads,
            store_label="memory" if args.memory else path,
            request_check=check,
            max_body=args.max_body_size or MAX_BODY,
        )
    except OSError as exc:
        print(
            f"lineage serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr
        )
        return 1
    return 0
