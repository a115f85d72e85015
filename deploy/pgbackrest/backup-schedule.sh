#!/bin/sh
# The Compose stack's backup container (compose.yml): creates the stanza (idempotent), checks that
# archiving works, takes a full backup when the repository has none, then one backup a day: full
# on Sundays, differential otherwise. pgBackRest's retention (pgbackrest.conf) expires old ones.
# On a plain host, use the crontab next to this file instead.
set -u
stanza=waitlessq
pgbackrest --stanza=$stanza stanza-create && pgbackrest --stanza=$stanza check || exit 1
pgbackrest --stanza=$stanza info --output=json | grep -q '"label"' || pgbackrest --stanza=$stanza backup --type=full || exit 1
while sleep "${BACKUP_INTERVAL_SECONDS:-86400}"; do
  if [ "$(date +%u)" = 7 ]; then type=full; else type=diff; fi
  pgbackrest --stanza=$stanza backup --type=$type || echo "backup-schedule: the $type backup failed; see /var/log/pgbackrest" >&2
done
