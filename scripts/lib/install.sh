# shellcheck shell=bash
# Sourced by scripts/run, scripts/test and .ci/run: makes .venv and installs Opmodel into it.
# Needs only a Python 3.11+ on the machine. The install is skipped when pyproject.toml has not
# changed since the last one (a stamp file inside .venv remembers its hash).

opmodel_python() {
    # The interpreter that creates .venv: $PYTHON if set, else the first python3 that is 3.11+.
    local candidate
    for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "Opmodel needs Python 3.11 or newer: install it, or set PYTHON=/path/to/python3.11." >&2
    return 1
}

opmodel_install() {
    local python stamp wanted
    if [ ! -x .venv/bin/python ]; then
        python="$(opmodel_python)"
        echo "Creating .venv with $("$python" --version)"
        if ! "$python" -m venv .venv; then
            rm -rf .venv
            echo "Could not create .venv (on Debian or Ubuntu: apt-get install python3-venv)." >&2
            return 1
        fi
    fi
    stamp=.venv/.opmodel-installed
    wanted="$(.venv/bin/python -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        echo "Installing Opmodel and its dependencies into .venv (pip install -e \".[dev]\")"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
        echo "$wanted" >"$stamp"
    fi
}
