#!/usr/bin/env bash
# Print the Python interpreter to build the virtual environment with.
#
# TFX 1.21 publishes wheels for Python 3.11, 3.12 and 3.13, but declares its
# Kubeflow (kfp) extra for Python < 3.12 only, so 3.11 is preferred. PYTHON in
# the environment overrides the search. The choice is reported on stderr.
set -euo pipefail

supported() {
  "$1" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)' 2>/dev/null
}

if [[ -n "${PYTHON:-}" ]]; then
  if supported "${PYTHON}"; then
    echo "Using Python from PYTHON=${PYTHON}." >&2
    echo "${PYTHON}"
    exit 0
  fi
  echo "ERROR: PYTHON=${PYTHON} is not Python 3.11, 3.12 or 3.13, which TFX 1.21 supports." >&2
  exit 1
fi

for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "${candidate}" >/dev/null && supported "${candidate}"; then
    version="$("${candidate}" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    if [[ "${version}" != "3.11" ]]; then
      echo "Python 3.11 not found; using ${candidate} (Python ${version}). The Kubeflow extra of TFX needs 3.11." >&2
    else
      echo "Using ${candidate} (Python ${version})." >&2
    fi
    command -v "${candidate}"
    exit 0
  fi
done

echo "ERROR: no Python 3.11, 3.12 or 3.13 found on PATH. Install python3.11 (for example 'apt-get install python3.11-venv' on Debian 12/13) or set PYTHON=/path/to/python3.11." >&2
exit 1
