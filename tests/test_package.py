"""The package's public surface: names the design fixes (docs/architecture.md), and an import with no side effects."""

import subprocess
import sys


def test_connect_stays_the_function_after_the_submodule_is_imported():
    code = (
        "import lineage_magics, lineage_magics.connect\n"
        "from lineage_magics.connect import local_service\n"
        "from lineage_magics import connect\n"
        "assert callable(connect) and connect.__name__ == 'connect', connect\n"
        "assert lineage_magics.connect is connect\n"
        "client = connect('memory://')\n"
        "assert client.list_contexts()['ContextSummaries'] == []\n"
        "assert local_service(client) is not None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_import_loads_neither_boto3_nor_graphviz():
    code = (
        "import sys, lineage_magics\n"
        "heavy = {'boto3', 'botocore', 'graphviz', 'pandas', 'ipywidgets'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "assert lineage_magics.LineageClient.__name__ == 'LineageClient'\n"
        "assert lineage_magics.LineageGraph.__name__ == 'LineageGraph'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_http_urls_use_standard_retries_and_a_short_connect_timeout():
    from lineage_magics import connect

    client = connect("http://127.0.0.1:9")
    assert client.meta.config.retries["mode"] == "standard"
    assert client.meta.config.connect_timeout == 3
    sagemaker = connect("sagemaker://us-east-1")
    assert sagemaker.meta.config.retries["mode"] == "adaptive"
