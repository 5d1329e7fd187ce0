#!/usr/bin/env bash
# Arrival-to-action latency of push (`on: arrival`) on the tests' private Dovecot, with the default
# push options: another client APPENDs PUSH_MESSAGES messages (default 200) one at a time, and a
# third connection polls each message's flags every 5 ms until the arrival rule has set its flag.
# Measured twice: with NOTIFY (one connection for all mailboxes) and with IDLE only (NOTIFY hidden
# by a proxy). Prints median, p90, p99 and max; per-message values in target/push-latency-*.csv.
# Needs dovecot-imapd (see bin/test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec mvn -B -q test -Dtest=PushLatencyBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dpush.latency="${PUSH_MESSAGES:-200}" "$@"
