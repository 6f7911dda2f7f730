#!/usr/bin/env bash
# Installs the benchmark peers that conflict with the main venv.
# Google ML Metadata pins protobuf<5, so it gets its own venv: benchmarks/.venv-mlmd.
# `pip install ml-metadata` picks the newest release with a wheel for this Python (1.17.1 on CPython 3.11).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv-mlmd/bin/python ]; then
  "$PY" -m venv .venv-mlmd
  .venv-mlmd/bin/pip install -q --upgrade pip
fi
.venv-mlmd/bin/python -c "import ml_metadata" 2>/dev/null || .venv-mlmd/bin/pip install -q ml-metadata
.venv-mlmd/bin/python -c "import ml_metadata; print('ml-metadata', ml_metadata.__version__)"
