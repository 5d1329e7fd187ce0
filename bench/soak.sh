#!/usr/bin/env bash
# Soak run of `mailtidy run`: 20 mailboxes on the tests' private Dovecot, rules every 10 s, new mail
# every 3 s, for SOAK_DURATION (default 1h). The daemon runs as a process with the systemd unit's
# JVM options; every 30 s the test records heap after a full GC, RSS, threads, IMAP connections and
# runs in target/soak/soak.csv, then checks that heap, threads and connections stay flat and that
# SIGTERM ends it with status 0. Needs dovecot-imapd (see bin/test), jcmd, jstat and ss.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec mvn -B -q test -Dtest=SoakIT -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsoak.duration="${SOAK_DURATION:-1h}" "$@"
