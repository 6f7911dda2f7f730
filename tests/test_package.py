"""The package's public surface: names the design fixes (docs/architecture.md), an import with no side effects, and what it installs."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


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
        "heavy = {'boto3', 'botocore', 'graphviz', 'pandas', 'ipywidgets', 'lineage_magics.widgets'}\n"
        "heavy &= set(sys.modules)\n"
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


def test_pyproject_lists_every_package_and_installs_the_forms_inside_lineage_magics():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"lineage_magics.widgets": "widgets"}
    ours = [".".join(p.parent.relative_to(REPO).parts) for p in REPO.glob("lineage_magics/**/__init__.py")]
    forms = [".".join(p.parent.relative_to(REPO).parts) for p in REPO.glob("widgets/**/__init__.py")]
    assert forms == ["widgets"]  # a subpackage of widgets/ would need its own line and its own package-dir
    listed = sorted(setuptools["packages"])
    assert listed == sorted([*ours, "lineage_magics.widgets"]), "pyproject.toml: [tool.setuptools] packages"


@pytest.mark.slow
def test_the_wheel_holds_the_forms_as_lineage_magics_widgets_only(tmp_path):
    # built from a copy: a build/ folder left in the repository by an older build would leak into the wheel
    source = tmp_path / "source"
    for folder in ("lineage_magics", "widgets"):
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("lineage_magics-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (top_level,) = [n for n in names if n.endswith(".dist-info/top_level.txt")]
        assert archive.read(top_level).decode().split() == ["lineage_magics"]
    assert {n.split("/")[0] for n in names} == {"lineage_magics", top_level.split("/")[0]}
    forms = {f"lineage_magics/widgets/{p.name}" for p in (REPO / "widgets").glob("*.py")}
    assert "lineage_magics/widgets/__init__.py" in forms and forms <= names, sorted(forms - names)
    package = {
        "lineage_magics/" + p.relative_to(REPO / "lineage_magics").as_posix()
        for p in (REPO / "lineage_magics").rglob("*.py")
    }
    assert package <= names, sorted(package - names)
