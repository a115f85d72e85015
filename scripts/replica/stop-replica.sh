#!/usr/bin/env bash
# Stops the local streaming replica (see start-replica.sh); does nothing when it is not running.
# Its data stays, so start-replica.sh brings it back in about a second and it catches up.
# Remove it entirely with: pg_dropcluster --stop <version> replica
set -euo pipefail

VERSION="${PG_VERSION:-$(ls /etc/postgresql | sort -V | tail -n 1)}"
CLUSTER="${REPLICA_CLUSTER:-replica}"

[ "$(id -u)" -eq 0 ] || { echo "stop-replica: run as root" >&2; exit 1; }
status="$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { print $4 }')"
if [[ "$status" == online* ]]; then
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" stop -m fast
fi
