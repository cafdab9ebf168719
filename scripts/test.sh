#!/usr/bin/env bash
# Installs whatever is missing and runs every test: lints, unit tests, integration tests on
# SQLite and PostgreSQL, the browser end-to-end tests in Chromium, and Schemathesis against the
# OpenAPI document.
#
# PostgreSQL: WARDEN_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test). When it
# is unreachable the PostgreSQL variants are skipped, unless CI=true: then this fails.
source "$(dirname "$0")/lib.sh"

ensure_build_tools
ensure_browser
ensure_schemathesis

export WARDEN_TEST_POSTGRES_URL="${WARDEN_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
# Whether PostgreSQL answers is decided by the tests themselves (tests/integration/support):
# each skips its PostgreSQL variant when it cannot connect, and fails instead under CI=true.
# Databases left behind by interrupted runs are dropped when psql happens to be installed.
if command -v psql >/dev/null; then
  psql "$WARDEN_TEST_POSTGRES_URL" -qAtc "SELECT 'DROP DATABASE ' || quote_ident(datname) || ';' FROM pg_database WHERE datname LIKE 'warden_t_%'" 2>/dev/null \
    | psql "$WARDEN_TEST_POSTGRES_URL" -q >/dev/null 2>&1 || true
fi

say "Lints"
cargo fmt --check
cargo clippy --features ssr --all-targets --quiet -- -D warnings
cargo clippy --features hydrate --lib --target wasm32-unknown-unknown --quiet -- -D warnings

say "Unit and integration tests"
cargo test --features ssr

build_for_browser_tests

say "Browser end-to-end tests"
node --test --test-concurrency=1 end2end/tests/

# The same again against two servers on one PostgreSQL database behind a round-robin (sessions,
# throttling, tokens and decisions must hold whichever server answers).
if command -v psql >/dev/null && psql "$WARDEN_TEST_POSTGRES_URL" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  say "Browser end-to-end tests, two servers behind a round-robin"
  WARDEN_E2E_SERVERS=2 node --test --test-concurrency=1 end2end/tests/
elif [ "${CI:-}" = true ]; then
  echo "PostgreSQL is required under CI=true for the two-server browser tests" >&2
  exit 1
fi

# The API as its OpenAPI document describes it: no 5xx, no answer the document does not
# describe, no request it calls invalid accepted.
say "Schemathesis against /v1/openapi.json"
node end2end/schemathesis.mjs

# What a new visitor's browser downloads, compressed, on the release WebAssembly: the sign-in
# page within 300 KB (issue 16), a signed-in admin's dashboard within its ceiling.
say "First load of the console"
build_release_frontend
LEPTOS_HASH_FILE="$PWD/target/release/hash.txt" node end2end/first_load.mjs
