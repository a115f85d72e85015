#!/usr/bin/env bash
# Starts a streaming replica of this machine's `main` PostgreSQL cluster (port 5432) as a second
# cluster `replica` (port 5433), creating it with pg_basebackup when it is missing or broken.
# Idempotent; run as root. When the replica already streams, it only proves it (one row written
# on the primary, read back on the replica) and exits, so CI can call it on every run.
#
# Environment: PG_VERSION (default: the newest in /etc/postgresql), PRIMARY_PORT (5432),
# REPLICA_PORT (5433), REPLICA_CLUSTER (replica), REPLICA_WAIT_SECONDS (30).
set -euo pipefail

VERSION="${PG_VERSION:-$(ls /etc/postgresql | sort -V | tail -n 1)}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
CLUSTER="${REPLICA_CLUSTER:-replica}"
WAIT_SECONDS="${REPLICA_WAIT_SECONDS:-30}"
CONF_DIR="/etc/postgresql/$VERSION/$CLUSTER"

log() { echo "start-replica: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (it manages PostgreSQL clusters)"

sql() { # sql <port> <statement>: one value per line, no headers
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"
}
cluster_field() { # cluster_field <column>: 3 = port, 4 = status, 6 = data directory
  pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" -v f="$1" '$1 == v && $2 == c { print $f }'
}
replica_status() { cluster_field 4; } # online, online,recovery, down, ...

# Proves replication end to end: a row written on the primary becomes visible on the replica.
round_trip() { # round_trip <seconds>
  local token deadline
  token="$(date +%s%N)-$$"
  sql "$PRIMARY_PORT" "CREATE TABLE IF NOT EXISTS wlq_replica_probe (id int PRIMARY KEY, token text NOT NULL, written_at timestamptz NOT NULL DEFAULT now())" >/dev/null
  sql "$PRIMARY_PORT" "INSERT INTO wlq_replica_probe (id, token) VALUES (1, '$token') ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, written_at = now()" >/dev/null
  deadline=$(($(date +%s) + $1))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if [ "$(sql "$REPLICA_PORT" "SELECT token FROM wlq_replica_probe WHERE id = 1" 2>/dev/null || true)" = "$token" ]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

wait_for_recovery() { # wait_for_recovery <seconds>: the replica answers and is a standby
  local deadline=$(($(date +%s) + $1))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(sql "$REPLICA_PORT" "SELECT pg_is_in_recovery()" 2>/dev/null || true)" = "t" ] && return 0
    sleep 0.1
  done
  return 1
}

# A test that paused replay and died before resuming must not leave the replica frozen.
resume_replay() {
  if [ "$(sql "$REPLICA_PORT" "SELECT pg_is_wal_replay_paused()" 2>/dev/null || true)" = "t" ]; then
    log "replay was paused; resuming it"
    sql "$REPLICA_PORT" "SELECT pg_wal_replay_resume()" >/dev/null
  fi
}

healthy() { # healthy <seconds>
  wait_for_recovery "$1" && resume_replay && round_trip "$1"
}

# The standby's settings: a hot standby without feedback, as README's "Read replicas"
# recommends. Feedback would hold the primary's cleanup back to the replica's last report (every
# 10 s), so the latest estimates each event rewrites could not be HOT updates (32 % instead of
# 88 % at 1,000 waiting: loadtests/subscriptions/RESULTS.md); our reads, cut off at
# DATABASE_STATEMENT_TIMEOUT_MS (10 s), end before max_standby_streaming_delay (30 s) would
# cancel one. Then what a standby needs at least as high as its primary.
replica_settings() {
  echo "# Written by scripts/replica/start-replica.sh"
  echo "listen_addresses = '127.0.0.1'"
  echo "hot_standby = on"
  echo "hot_standby_feedback = off"
  for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
    echo "$setting = $(sql "$PRIMARY_PORT" "SHOW $setting")"
  done
}
SETTINGS="$CONF_DIR/conf.d/90-replica.conf"
write_settings() {
  replica_settings >"$SETTINGS"
  chown postgres:postgres "$SETTINGS"
}

pg_isready -q -h 127.0.0.1 -p "$PRIMARY_PORT" || die "the primary on 127.0.0.1:$PRIMARY_PORT does not answer"

# Fast path: the replica runs and streams (restarted first when its settings are not these).
if [[ "$(replica_status)" == online* ]] && healthy 5; then
  if ! replica_settings | cmp -s - "$SETTINGS"; then
    log "applying the replica's settings ($SETTINGS)"
    write_settings
    pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" restart
    healthy "$WAIT_SECONDS" || die "the replica restarted but does not stream; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log"
  fi
  log "replica $VERSION/$CLUSTER on port $REPLICA_PORT streams from port $PRIMARY_PORT"
  exit 0
fi

# The primary must ship WAL and let the replica connect for replication (pg_hba's `all` does not
# cover replication connections).
[ "$(sql "$PRIMARY_PORT" "SHOW wal_level")" != "minimal" ] || die "the primary has wal_level = minimal; set it to replica and restart it"
[ "$(sql "$PRIMARY_PORT" "SHOW max_wal_senders")" -gt 0 ] || die "the primary has max_wal_senders = 0; raise it and restart it"
PRIMARY_HBA="$(sql "$PRIMARY_PORT" "SHOW hba_file")"
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(postgres|all)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$PRIMARY_HBA"; then
  log "allowing replication connections from 127.0.0.1 in $PRIMARY_HBA"
  [ -z "$(tail -c 1 "$PRIMARY_HBA")" ] || echo >>"$PRIMARY_HBA"
  printf '# Added by scripts/replica/start-replica.sh: the local streaming replica.\nhost replication postgres 127.0.0.1/32 trust\n' >>"$PRIMARY_HBA"
  sql "$PRIMARY_PORT" "SELECT pg_reload_conf()" >/dev/null
fi

# A cluster that exists but is offline may only need starting.
if [[ "$(replica_status)" == down* ]]; then
  log "starting the existing replica"
  resume_replay || true
  write_settings
  if pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start && healthy "$WAIT_SECONDS"; then
    log "replica $VERSION/$CLUSTER on port $REPLICA_PORT streams from port $PRIMARY_PORT"
    exit 0
  fi
  log "the existing replica does not catch up; rebuilding it"
fi

# Build (or rebuild) it from a base backup of the primary.
if [ -z "$(replica_status)" ]; then
  log "creating cluster $VERSION/$CLUSTER on port $REPLICA_PORT"
  pg_createcluster "$VERSION" "$CLUSTER" --port "$REPLICA_PORT" >/dev/null
fi
[ "$(cluster_field 3)" = "$REPLICA_PORT" ] || die "cluster $VERSION/$CLUSTER exists on port $(cluster_field 3), not $REPLICA_PORT"
[[ "$(replica_status)" == down* ]] || pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" stop -m immediate || true
DATA_DIR="$(cluster_field 6)"
case "$DATA_DIR" in /var/lib/postgresql/*/"$CLUSTER") ;; *) die "refusing to wipe unexpected data directory '$DATA_DIR'" ;; esac
log "copying the primary into $DATA_DIR (pg_basebackup)"
[ ! -d "$DATA_DIR" ] || find "$DATA_DIR" -mindepth 1 -delete
install -d -o postgres -g postgres -m 0700 "$DATA_DIR"
runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA_DIR" -R -X stream -c fast

install -o postgres -g postgres -m 0640 "$PRIMARY_HBA" "$CONF_DIR/pg_hba.conf"
write_settings

pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start
healthy "$WAIT_SECONDS" || die "the replica started but does not stream; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log"
log "replica $VERSION/$CLUSTER on port $REPLICA_PORT streams from port $PRIMARY_PORT"
