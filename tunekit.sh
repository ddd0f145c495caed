#!/usr/bin/env bash
# tunekit's two entry points. Each does its own set-up on a fresh machine.
#   ./tunekit.sh main   install, migrate the embedded database (PGlite), load the default data,
#                       train every model family (nx run trainer:train) and evaluate it
#   ./tunekit.sh test   install, lint, typecheck, build, then run every test
#                       (data-access tests also run against PostgreSQL when a server is reachable)
set -euo pipefail
cd "$(dirname "$0")"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

ensure_deps() {
  # Install when node_modules is missing or older than the lockfile. `npm install` (not `npm ci`):
  # the registry reachable here does not serve every platform's optional binaries (e.g.
  # @rollup/rollup-darwin-arm64@4.68.7 is a 404), so the lockfile cannot list them all and npm 11's
  # `npm ci` rejects it as out of sync; `npm install` keeps the locked versions, same tree.
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "[tunekit] installing npm packages (npm install, locked versions)..."
    npm install --no-audit --no-fund
  fi
}

ensure_postgres() {
  # Use DATABASE_URL_TEST if set; otherwise start the local PostgreSQL cluster if one is installed.
  if [ -n "${TUNEKIT_TEST_PG_URL:-}" ]; then return 0; fi
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    local ver
    ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
    if [ -n "$ver" ]; then
      pg_lsclusters -h 2>/dev/null | grep -q "^$ver main" || pg_createcluster "$ver" main >/dev/null
      pg_lsclusters -h | grep -q "^$ver main .* online" || pg_ctlcluster "$ver" main start
      su postgres -c "psql -qtAc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
      su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='tunekit_test'\"" | grep -q 1 \
        || su postgres -c "createdb tunekit_test"
      export TUNEKIT_TEST_PG_URL="postgres://postgres:postgres@127.0.0.1:5432/tunekit_test"
      echo "[tunekit] PostgreSQL $ver is up: tests run against it as well as PGlite"
      return 0
    fi
  fi
  echo "[tunekit] no PostgreSQL server found: PostgreSQL tests will be skipped (PGlite tests still run)"
}

case "${1:-}" in
  main)
    shift
    ensure_deps
    npx tsx tools/main/src/main.ts "$@"
    ;;
  test)
    shift
    ensure_deps
    ensure_postgres
    npx nx run-many -t build --output-style=stream
    npx nx run-many -t lint typecheck --output-style=stream
    npx vitest run "$@"
    ;;
  *)
    echo "usage: ./tunekit.sh main|test" >&2
    exit 2
    ;;
esac
