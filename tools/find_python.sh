#!/bin/sh
# Print the first Python interpreter that runs and is 3.12 or newer (Django 6 needs it).
# pyenv's shims answer for every version but fail for those not selected, so each candidate
# is run, not just found.
for candidate in python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12 \
    python3.13 "$HOME"/.pyenv/versions/3.13*/bin/python3.13 /usr/bin/python3.13 \
    python3.14 "$HOME"/.pyenv/versions/3.14*/bin/python3.14 python3; do
    if "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        command -v "$candidate"
        exit 0
    fi
done
echo "no Python 3.12 or newer found" >&2
exit 1
