"""The tests pass on a machine set up unlike CI's (the root conftest.py fixes what differs).

The tests that once failed on such a machine run again in a subprocess, under an environment that
differs in every way the root ``conftest.py`` lists: a far time zone, the C locale, a 37-column
terminal, AWS credentials and a profile in ``~/.aws``-style files, a lineage URL that answers nothing,
an IPython profile with a startup file. Before the run, the test shows that each of these is real
(boto3 finds the credentials, argparse wraps at 37 columns).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SENSITIVE = [
    "tests/magics/test_extension.py",  # the magics' help (argparse wraps it to COLUMNS)
    "tests/service/test_connect.py",  # regions and credentials
    "notebooks/06-going-to-sagemaker.ipynb",  # says whether boto3 found AWS credentials
]


def a_users_machine(tmp_path: Path) -> dict[str, str]:
    aws = tmp_path / ".aws"
    aws.mkdir()
    (aws / "config").write_text(
        "[default]\nregion = ap-southeast-2\noutput = text\n[profile dev]\nregion = eu-west-3\n"
    )
    (aws / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    )
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-hello.py").write_text(
        "import pandas\npandas.set_option('display.width', 20)\nprint('hello')\n"
    )
    return {
        **os.environ,
        "TZ": "Pacific/Chatham",
        "LC_ALL": "C",
        "LANG": "C",
        "COLUMNS": "37",
        "AWS_CONFIG_FILE": str(aws / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(aws / "credentials"),
        "AWS_PROFILE": "default",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "LINEAGE_MAGICS_URL": "http://127.0.0.1:9",
        "IPYTHONDIR": str(tmp_path / "ipython"),
    }


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_differently_set_up_machine_runs_the_sensitive_tests_green(tmp_path):
    env = a_users_machine(tmp_path)
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import argparse, boto3; s = boto3.Session(); "
            "print(s.get_credentials() is not None, s.region_name, argparse.HelpFormatter('x')._width)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.split() == ["True", "eu-central-1", "35"], "the environment is not the one described"

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SENSITIVE],
        cwd=REPO,
        env={k: v for k, v in env.items() if not k.startswith("PYTEST_")},
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert run.returncode == 0, run.stdout[-4000:]
