#!/usr/bin/env bash
# One node serving one group of users on the tests' private Dovecot (master user, passwd-file, small
# Maildirs), one rule set for "*": runs/s, lateness after the due time, IMAP connections open,
# threads and heap (docs/scaling.md). USERS (default 1000), EVERY (default 2m), MINUTES (default 4).
# NODES=3: the cluster instead (ManyUsersClusterBench): that many `mailtidy run` processes on the tests'
# private PostgreSQL (with pg_stat_statements), node 1 SIGKILLed half-way through the checked firings;
# MINUTES defaults to 8 there, the first period (EVERY) is warm-up, WARMUP=1m makes it shorter.
# Needs dovecot-imapd and PostgreSQL (see bin/test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -n "${NODES:-}" ]; then
  exec mvn -B -q test -Dtest=ManyUsersClusterBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dmany.bench="${USERS:-1000}" -Dmany.nodes="$NODES" -Dmany.every="${EVERY:-2m}" \
    -Dmany.minutes="${MINUTES:-8}" ${WARMUP:+-Dmany.warmup="$WARMUP"} -Dpostgres.stat_statements=true "$@"
fi
exec mvn -B -q test -Dtest=ManyUsersBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmany.bench="${USERS:-1000}" -Dmany.every="${EVERY:-2m}" -Dmany.minutes="${MINUTES:-4}" "$@"
