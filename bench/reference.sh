#!/usr/bin/env bash
# The engine's reference scenario (20 rules, every criterion and action) at REFERENCE_MESSAGES
# messages (default 20000) on the tests' private servers (REFERENCE_SERVERS, default
# courier,dovecot): result right/wrong against the one-rule-at-a-time reference, IMAP commands,
# wall time of the `once` pass. Appends to target/reference-bench.txt. Needs what bin/test installs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec mvn -B -q test -Dtest=EngineReferenceBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreference.bench="${REFERENCE_MESSAGES:-20000}" -Dreference.servers="${REFERENCE_SERVERS:-courier,dovecot}" "$@"
