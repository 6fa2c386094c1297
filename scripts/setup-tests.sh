#!/usr/bin/env bash
# Install everything the tests need, and nothing else; safe to run again and again.
#
#   .venv/                 the project and its [test] extra (pytest, hypothesis, playwright)
#   /usr/bin/chromium      Debian's Chromium, driven by Playwright; Playwright never downloads a browser
#   a CJK font             so that Chinese pages render (and screenshot) as text, not boxes
#   java                   runs the Nu Html Checker
#   tools/node_modules/    vnu-jar (the Nu Html Checker) and axe-core, exact versions from tools/package-lock.json
#
# Only PyPI, Debian and the npm registry are contacted, and only for what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PIP_DISABLE_PIP_VERSION_CHECK=1 DEBIAN_FRONTEND=noninteractive

say() { printf 'setup-tests: %s\n' "$*"; }

# Run a noisy command; show its output only if it fails.
quietly() {
    local log status=0
    log="$(mktemp)"
    "$@" >"$log" 2>&1 || status=$?
    [ "$status" -eq 0 ] || { tail -n 40 "$log" >&2; say "failed ($status): $*"; }
    rm -f "$log"
    return "$status"
}

# Stamps remember the hash of the file an install came from, so an unchanged rerun is quick.
stamp_ok() { [ -f "$2" ] && [ "$(cat "$2")" = "$(sha256sum "$1" | cut -d' ' -f1)" ]; }
stamp_write() { sha256sum "$1" | cut -d' ' -f1 >"$2"; }

python_env() {
    if [ ! -x .venv/bin/python ]; then
        say "creating .venv"
        python3 -m venv .venv
    fi
    if stamp_ok pyproject.toml .venv/.setup-tests-stamp \
        && .venv/bin/python -c 'import site_builder, pytest, hypothesis, playwright' 2>/dev/null; then
        return
    fi
    say "pip install -e '.[test]'"
    quietly .venv/bin/python -m pip install -e '.[test]'
    stamp_write pyproject.toml .venv/.setup-tests-stamp
}

has_cjk_font() {
    if command -v fc-list >/dev/null 2>&1; then
        [ -n "$(fc-list :lang=zh family)" ]
    else
        [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]
    fi
}

system_packages() {
    local need=()
    [ -x /usr/bin/chromium ] || need+=(chromium)
    command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
    has_cjk_font || need+=(fonts-wqy-microhei)
    [ ${#need[@]} -gt 0 ] || return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    say "apt-get install ${need[*]}"
    quietly $sudo apt-get update -qq
    quietly $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
}

node_tools() {
    # --ignore-scripts: vnu-jar's postinstall would download a Java runtime from GitHub when it
    # finds none; the jar itself ships in the package, and Java comes from Debian above.
    if stamp_ok tools/package-lock.json tools/node_modules/.setup-tests-stamp \
        && [ -f tools/node_modules/vnu-jar/build/dist/vnu.jar ] \
        && [ -f tools/node_modules/axe-core/axe.min.js ]; then
        return
    fi
    local how=install
    [ -f tools/package-lock.json ] && how=ci
    say "npm $how in tools/ (vnu-jar, axe-core)"
    (cd tools && quietly npm "$how" --ignore-scripts --no-audit --no-fund --loglevel=error)
    stamp_write tools/package-lock.json tools/node_modules/.setup-tests-stamp
}

python_env
system_packages
node_tools
say "ready: $(.venv/bin/python --version 2>&1), $(/usr/bin/chromium --version 2>/dev/null | head -n1)," \
    "java $(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)," \
    "vnu-jar $(node -p 'require("./tools/node_modules/vnu-jar/package.json").version')," \
    "axe-core $(node -p 'require("./tools/node_modules/axe-core/package.json").version')"
