#!/usr/bin/env bash
# Manual check of bin/lib/infra.sh: sources it, runs ensure_prereqs (idempotent; installs or
# starts what is missing, so run it as root) and prints the resulting state.
#   bin/lib/infra-selftest.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bin/lib/infra.sh
. "$here/infra.sh"

start=$(date +%s%3N)
ensure_prereqs
took=$(( $(date +%s%3N) - start ))

psql_q() { psql -X -tA -h 127.0.0.1 -p 5432 -U postgres -d postgres -c "$1"; }
echo "--- state after ensure_prereqs (took ${took} ms)"
echo "PG_MAJOR=$PG_MAJOR"
echo "server:   $(psql_q 'select version()')"
echo "pgvector: $(psql_q "select default_version from pg_available_extensions where name = 'vector'")"
echo "vector.so: $(ls -l "$(pg_config --pkglibdir 2>/dev/null || echo "/usr/lib/postgresql/$PG_MAJOR/lib")/vector.so" 2>/dev/null || echo missing)"
echo "java:     $(java -version 2>&1 | sed -n 1p)"
echo "javac:    $(javac -version 2>&1)"
echo "mvn:      $(mvn -v 2>/dev/null | sed -n 1p | sed 's/\x1b\[[0-9;]*m//g')"
