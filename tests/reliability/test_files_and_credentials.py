"""Store files that must not be used (newer schema, damaged, foreign) are refused clearly and never
changed; credentials never appear in what the user sees."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from botocore.exceptions import ClientError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config

from lineage_magics import LineageClient, connect
from lineage_magics.connect import local_service
from lineage_magics.errors import LineageError
from lineage_magics.service.store import SCHEMA_VERSION

from .conftest import REPO


def real_store(path) -> bytes:
    """A store with 400 contexts, checkpointed into the main file; returns its bytes."""
    service = local_service(connect(f"sqlite:///{path}"))
    service.bulk_import(contexts=[{"ContextName": f"c{i}", "ContextType": "T" * 200,
                                   "Source": {"SourceUri": "u" * 500}} for i in range(400)])  # fmt: skip
    service.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


def newer(data: bytes) -> bytes:
    conn_bytes = bytearray(data)
    conn_bytes[60:64] = (SCHEMA_VERSION + 1).to_bytes(4, "big")  # PRAGMA user_version lives at offset 60
    return bytes(conn_bytes)


DAMAGE = {
    "newer schema": (newer, "newer lineage-magics"),
    "garbage in the middle": (
        lambda d: d[:8192] + bytes(range(256)) * ((len(d) - 16384) // 256) + d[-8192:],
        "damaged",
    ),  # fmt: skip
    "truncated": (lambda d: d[: len(d) // 3], "malformed"),
    "header wiped": (lambda d: b"\0" * 100 + d[100:], "not a lineage-magics store"),
    "not sqlite": (lambda d: b"PK\x03\x04 a zip, say " * 200, "not a lineage-magics store"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_refused_clearly_and_never_overwritten(tmp_path, servers, case):
    mutate, message = DAMAGE[case]
    good = real_store(tmp_path / "good.db")
    path = tmp_path / "store.db"
    path.write_bytes(mutate(good))
    before = path.read_bytes()
    url = f"sqlite:///{path}"
    for attempt in (
        lambda: LineageClient(url, progress=False).list("contexts"),
        lambda: LineageClient(url, progress=False).create_context("new", "T"),
        lambda: LineageClient(url, progress=False).cleanup("c1"),
    ):
        with pytest.raises(LineageError, match=message) as info:
            attempt()
        text = str(info.value)
        assert "\n" not in text and "Traceback" not in text  # one clear line
    if case == "garbage in the middle":  # the header is intact: lineage serve starts, then answers clearly
        server = servers("--db", str(path))
        with pytest.raises(ClientError, match="damaged"):
            server.client(retries={"total_max_attempts": 1}).list_contexts()
        code, err = server.stop()
        assert code == 0 and "Traceback" not in err
    else:  # refused at start-up
        served = subprocess.run([sys.executable, "-m", "lineage_magics.cli", "serve", "--db", str(path), "--port", "0"],
                                capture_output=True, text=True, cwd=REPO, timeout=60)  # fmt: skip
        assert served.returncode == 2 and message in served.stderr and "Traceback" not in served.stderr
    assert path.read_bytes() == before


SECRETS = {
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEKEYID7777",
    "AWS_SECRET_ACCESS_KEY": "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",
    "AWS_SESSION_TOKEN": "FwoGZXIvYXdzSESSIONTOKEN7777",
}


def test_credentials_are_never_shown(tmp_path, monkeypatch, servers):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("LINEAGE_MAGICS_URL", raising=False)
    server = servers("--access-key", f"{SECRETS['AWS_ACCESS_KEY_ID']}:{SECRETS['AWS_SECRET_ACCESS_KEY']}")

    seen: list[str] = []
    lc = LineageClient(server.url, progress=False)  # signs with the environment's keys
    lc.create_context("creds", "T")
    seen += [repr(lc), str(lc), repr(lc.sagemaker), repr(lc.get("creds")), repr(lc.list("contexts"))]
    seen += [lc.list("contexts")._repr_html_()]

    config = Config()
    config.HistoryAccessor.enabled = False
    config.LineageMagics.url = server.url
    config.LineageMagics.progress = False
    shell = InteractiveShell(config=config)
    shell.displayhook.flush = lambda: None
    shell.run_line_magic("load_ext", "lineage_magics")
    try:
        for cell in ("%lineage status", "%lineage use " + server.url, "%lineage status", "%lineage list contexts"):  # fmt: skip
            with capture_output() as captured:
                result = shell.run_cell(cell, store_history=False)
            seen += [captured.stdout, captured.stderr, repr(result.result)]
            seen += [str(v) for output in captured.outputs for v in output.data.values()]
            if result.result is not None and hasattr(result.result, "_repr_html_"):
                seen.append(result.result._repr_html_())
            error = result.error_before_exec or result.error_in_exec
            if error is not None:
                seen.append(str(error))
        status = shell.run_cell(f"%lineage use {server.url}\n%lineage status", store_history=False).result
        assert status is not None and "account" in repr(status)
    finally:
        shell.run_line_magic("unload_ext", "lineage_magics")
    code, err = server.stop()
    seen.append(err)
    everything = "\n".join(seen)
    assert "000000000000" in everything  # the identity (account) is shown...
    for value in SECRETS.values():
        assert value not in everything  # ...the keys never
