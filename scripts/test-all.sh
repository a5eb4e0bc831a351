#!/usr/bin/env bash
# Every test, from a fresh clone: installs what the tests need, type-checks, runs the unit
# tests, builds the app, and runs the browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== install (npm ci)"
npm ci --no-audit --no-fund --loglevel=error

if [ -d tests/e2e ] && ! command -v chromium >/dev/null 2>&1; then
  echo "== install Chromium (Debian package, for the browser tests)"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi

echo "== type-check"
npm run check

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

echo "== unit tests"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/unit.json"

echo "== build"
npm run build

if [ -d tests/e2e ]; then
  echo "== browser tests"
  npm run test:e2e -- --reporter=default --reporter=json --outputFile.json="$results/e2e.json"
fi

# One plain summary line over every suite.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) continue;
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests || 0);
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/unit.json" "$results/e2e.json"
