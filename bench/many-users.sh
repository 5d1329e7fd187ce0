#!/usr/bin/env bash
# One node serving one group of users on the tests' private Dovecot (master user, passwd-file, small
# Maildirs), one rule set for "*": runs/s, lateness after the due time, IMAP connections open,
# threads and heap (docs/scaling.md). USERS (default 1000), EVERY (default 2m), MINUTES (default 4).
# Needs dovecot-imapd (see bin/test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec mvn -B -q test -Dtest=ManyUsersBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmany.bench="${USERS:-1000}" -Dmany.every="${EVERY:-2m}" -Dmany.minutes="${MINUTES:-4}" "$@"
