#!/usr/bin/env bash
# Rebuild the query page's editor bundle, src/kg/web/static/vendor/editor.js, and its licences
# (editor.LICENSES.txt) from the pinned versions in package-lock.json. Needs Node 20 and npm;
# CI does not run it: the built bundle is committed, and tests/test_editor_bundle.py checks
# that it names exactly the versions of the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
node scripts/editor/build.mjs
