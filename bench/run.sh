#!/usr/bin/env bash
# The performance benchmark of docs/performance.md: the rule set of bench/mailtidy.yaml run three
# ways on identical copies of generated mailboxes in a private Dovecot, plus the steady state.
#
#   bench/run.sh                      N = 1,000, 10,000 and 100,000
#   BENCH_SIZES="1000" bench/run.sh   chosen sizes
#   bench/run.sh startup              JVM start cost of `once` at N = 1,000 (the launcher, plain, AppCDS, flags)
#   bench/run.sh jit [N]              `once` at N (default 100,000) with C2 (the launcher's default) and with C1 only
#   bench/run.sh heap [N]             `once` with -Xmx64m on N (default 1,000,000) small messages
#   bench/run.sh latency [N]          `once` and imapfilter at 0, 25 and 100 ms RTT through a delay proxy
#                                     (default N = 2,000; BENCH_RTTS="0 50" for other delays;
#                                     BENCH_BASELINE=DIR adds `once` of an older build, a checkout
#                                     built with `mvn package` in DIR, measured in the same run)
#   bench/run.sh flights [N...]       one `once` per N (default 2,000 and 100,000) through the delay proxy:
#                                     each round trip's commands and octets (no timing, no imapfilter)
#   bench/run.sh incremental [N]      a second pass on the mailbox the first tidied, after a day's change
#                                     (default N = 100,000): mailtidy with and without its state dir
#
# Needs root or sudo only to install dovecot-imapd and imapfilter when they are missing. Work files
# go to $BENCH_WORK (default /tmp/mailtidy-bench; the 100,000-message copies need about 4 GB).
# Not part of `mvn verify`.
set -euo pipefail

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$top/bench"
work="${BENCH_WORK:-/tmp/mailtidy-bench}"
sizes="${BENCH_SIZES:-1000 10000 100000}"
steady_runs="${BENCH_STEADY_RUNS:-5}"
# Whole-process runs of mailtidy, imapfilter and the replay: the median of this many (each on a fresh copy);
# at 100,000 messages and more one run each unless BENCH_REPEAT says otherwise.
repeat="${BENCH_REPEAT:-}"
password=bench
jar="$top/target/mailtidy.jar"
# `mailtidy once` rows run what users run: the launcher, with its defaults (bin/mailtidy).
launcher="$top/bin/mailtidy"
classes="$work/classes"
results="$work/results"
export TZ=UTC LC_ALL=C.UTF-8
# Every measured run starts cold unless a mode says otherwise (the incremental mode passes
# --state-dir itself): no cache or journal from an earlier copy of the same mailbox.
export MAILTIDY_STATE_DIR=none
# The launcher's class archive, made once per bench invocation for the jar it measures (cds_archive).
export MAILTIDY_CDS_DIR="$work/cds"

sub() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a - b}'; }
log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }

# ---- prerequisites ----

install_packages() {
  local missing=()
  [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
  command -v imapfilter >/dev/null || missing+=(imapfilter)
  [ -x /usr/bin/time ] || missing+=(time)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
  fi
}

build() {
  if [ ! -f "$jar" ] || [ -n "$(find "$top/src/main" "$top/pom.xml" -newer "$jar" -print -quit)" ]; then
    log "building $jar"
    (cd "$top" && mvn -q -B -DskipTests package)
  fi
  mkdir -p "$classes"
  if [ -z "$(ls -A "$classes")" ] || [ -n "$(find "$bench/src" "$jar" -newer "$classes/.built" -print -quit 2>/dev/null || echo x)" ]; then
    javac -d "$classes" -cp "$jar" "$bench"/src/org/mailtidy/bench/*.java
    touch "$classes/.built"
  fi
}

tool() { java -cp "$classes:$jar" org.mailtidy.bench.BenchTool "$@"; }

# The launcher writes its class archive at the end of the first `once`; the measured runs are the
# later ones, as for a user from the second run on (startup measures the first one too).
cds_archive() {
  local m
  m="$(master 1000)"
  rm -rf "$MAILTIDY_CDS_DIR"
  copy_user cds-1000 "$m"
  BENCH_PORT="$port" BENCH_PASSWORD="$password" BENCH_USER=cds-1000 \
    "$launcher" once -c "$bench/mailtidy.yaml" > "$work/cds-archive.log" 2>&1
  log "launcher archive: $(ls "$MAILTIDY_CDS_DIR")"
}

# ---- the private Dovecot ----

mail_user() {
  if [ "$(id -u)" = 0 ]; then
    id -u mailtidy-vmail >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin mailtidy-vmail
    echo mailtidy-vmail
  else
    id -un
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)); }

start_dovecot() {
  vuser="$(mail_user)"
  vuid="$(id -u "$vuser")"; vgid="$(id -g "$vuser")"
  base="$(mktemp -d /tmp/mtb-XXXX)"   # Unix socket paths must stay short
  port="$(free_port)"
  mkdir -p "$work/home"
  chown "$vuid:$vgid" "$work" "$work/home"
  local internal=""
  [ "$(id -u)" = 0 ] || internal="default_internal_user = $vuser
default_login_user = $vuser"
  cat > "$work/dovecot.conf" <<EOF
# Rendered by bench/run.sh; a throw-away instance for the benchmark.
base_dir = $base
state_dir = $base/state
instance_name = $(basename "$base")
protocols = imap
listen = 127.0.0.1
log_path = $work/dovecot.log
info_log_path = $work/dovecot.log
$internal
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_uid = $vuid
mail_gid = $vgid
first_valid_uid = $vuid
last_valid_uid = $vuid
first_valid_gid = $vgid
last_valid_gid = $vgid
mail_location = maildir:~/Maildir
mail_fsync = never
passdb {
  driver = static
  args = password=$password
}
userdb {
  driver = static
  args = uid=$vuid gid=$vgid home=$work/home/%u
}
protocol imap {
  rawlog_dir = %h/rawlog
}
service imap {
  # SEARCH over a million messages needs more than the default 256 MB
  vsz_limit = 2G
}
service imap-login {
  inet_listener imap {
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
  /usr/sbin/dovecot -c "$work/dovecot.conf"
  trap stop_dovecot EXIT
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  master_pid="$(cat "$base/master.pid")"
  # One throw-away session first, so that no measured run pays for starting auth and login processes.
  mkdir -p "$work/warm-up"
  printf 'W1 NOOP\r\nW2 LOGOUT\r\n' > "$work/warm-up/session.in"
  tool replay 127.0.0.1 "$port" warm-up "$password" "$work/warm-up" >/dev/null
  log "Dovecot $(dovecot --version | cut -d' ' -f1) on 127.0.0.1:$port (master $master_pid)"
}

stop_dovecot() {
  /usr/sbin/dovecot -c "$work/dovecot.conf" stop 2>/dev/null || true
  rm -rf "$base"
}

doveadm_() { doveadm -c "$work/dovecot.conf" "$@"; }

# CPU seconds of the Dovecot processes that have ended (the master reaps every imap process).
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($16 + $17) / hz}' "/proc/$master_pid/stat"; }

# ---- mailboxes ----

# The master copy of N messages: generated, indexed once, then copied (index files included, so every
# copy has the same UIDs and the same index state).
master() {
  local n="$1" flag="${2:-}" user="master-$1${2:+-small}"
  local home="$work/home/$user"
  if [ ! -f "$home/.complete" ]; then
    log "generating $n messages for $user"
    rm -rf "$home"
    mkdir -p "$home"
    tool generate "$home/Maildir" "$n" $flag
    chown -R "$vuid:$vgid" "$home"
    log "indexing $user"
    doveadm_ force-resync -u "$user" INBOX
    doveadm_ index -u "$user" INBOX
    touch "$home/.complete"
  fi
  echo "$home"
}

# A fresh user whose mailbox is a copy of the master; rawlog on.
copy_user() {
  local user="$1" from="$2"
  local home="$work/home/$user"
  doveadm_ kick "$user" >/dev/null 2>&1 || true
  rm -rf "$home"
  mkdir -p "$home/rawlog"
  cp -a --reflink=auto "$from/Maildir" "$home/Maildir"   # keeps the mail user as owner
  chown "$vuid:$vgid" "$home" "$home/rawlog"
}

# mailbox <TAB> Message-ID <TAB> flags (sorted, \Recent dropped), one line per message.
final_state() {
  doveadm_ -f tab fetch -u "$1" 'mailbox hdr.message-id flags' all | tail -n +2 \
    | awk -F'\t' 'BEGIN{OFS="\t"} {n=split($3,f," "); for(i=2;i<=n;i++) for(j=i;j>1&&f[j-1]>f[j];j--) {t=f[j];f[j]=f[j-1];f[j-1]=t}
        s=""; for(i=1;i<=n;i++) if(f[i]!="\\Recent") s=s" "f[i]; $3=s; print}' \
    | sort
}

# ---- measuring ----

# measure NAME OUTFILE command... : wall, CPU, peak RSS of the process; server CPU; IMAP traffic.
measure() {
  local user="$1" out="$2"; shift 2
  local timefile="$out.time" before after start end
  sleep 0.3
  before="$(server_cpu)"
  start="$(date +%s.%N)"
  if ! /usr/bin/time -v -o "$timefile" "$@" > "$out.log" 2>&1; then
    log "FAILED: $* (see $out.log)"; tail -20 "$out.log" >&2; return 1
  fi
  end="$(date +%s.%N)"
  sleep 1   # until the master has reaped the imap process
  after="$(server_cpu)"
  {
    echo "wall_s=$(sub "$end" "$start")"
    awk -F': ' '/User time/{u=$2} /System time/{s=$2} /Maximum resident/{r=$2} END{print "cpu_s=" u+s; print "rss_kb=" r}' "$timefile"
    echo "server_cpu_s=$(sub "$after" "$before")"
    tool rawlog-stats "$work/home/$user/rawlog"
  } > "$out"
}

# measure_median K USER MASTER OUTFILE command... : K runs, each on a fresh copy; keeps the median by wall time.
measure_median() {
  local k="$1" user="$2" from="$3" out="$4"; shift 4
  local i
  for i in $(seq "$k"); do
    copy_user "$user" "$from"
    [ -z "${extra_copy:-}" ] || copy_user "$extra_copy" "$from"
    [ -z "${before_each:-}" ] || $before_each   # a command, unquoted on purpose: e.g. "restore_state FROM TO"
    measure "$user" "$out.$i" "$@"
    if [ "$(basename "$out")" = replay.raw ]; then   # the replay's own connect-to-last-answer time
      sed -i '/^wall_s=/d' "$out.$i"; grep '^wall_s=' "$out.$i.log" >> "$out.$i"
    fi
  done
  local median
  median="$(for i in $(seq "$k"); do echo "$(grep '^wall_s=' "$out.$i" | cut -d= -f2) $i"; done | sort -n \
    | sed -n "$(( (k + 1) / 2 ))p" | cut -d' ' -f2)"
  cp "$out.$median" "$out"
  echo "walls_s=[$(for i in $(seq "$k"); do grep '^wall_s=' "$out.$i" | cut -d= -f2; done | sort -n | paste -sd, -)]" >> "$out"
}

run_size() {
  local n="$1" m out k
  m="$(master "$n")"
  out="$results/$n"
  k="${repeat:-$([ "$n" -ge 100000 ] && echo 1 || echo 3)}"
  rm -rf "$out"; mkdir -p "$out"
  export BENCH_PORT="$port" BENCH_PASSWORD="$password"

  log "N=$n: mailtidy once (median of $k)"
  BENCH_USER="mt-$n" measure_median "$k" "mt-$n" "$m" "$out/mailtidy.properties" \
    "$launcher" once -c "$bench/mailtidy.yaml"

  log "N=$n: imapfilter (median of $k)"
  mkdir -p "$work/imapfilter-home"
  HOME="$work/imapfilter-home" BENCH_USER="if-$n" measure_median "$k" "if-$n" "$m" "$out/imapfilter.properties" \
    imapfilter -c "$bench/imapfilter.lua"

  log "N=$n: imapfilter, one SEARCH per criterion (median of $k)"
  HOME="$work/imapfilter-home" BENCH_USER="ic-$n" measure_median "$k" "ic-$n" "$m" \
    "$out/imapfilter-criteria.properties" imapfilter -c "$bench/imapfilter-per-criterion.lua"

  log "N=$n: raw replay of mailtidy's commands (median of $k)"
  # The client replays once on a second copy first, so that the measured replay runs warm (JIT-compiled).
  extra_copy="rw-$n" measure_median "$k" "rp-$n" "$m" "$out/replay.raw" java -cp "$classes:$jar" \
    org.mailtidy.bench.BenchTool replay 127.0.0.1 "$port" "rp-$n" "$password" "$work/home/mt-$n/rawlog" "rw-$n"
  cp "$out/replay.raw" "$out/replay.properties"

  log "N=$n: steady state ($steady_runs passes after a warm-up, one JVM)"
  local reset="$work/reset-ss-$n.sh"
  cat > "$reset" <<EOF
#!/usr/bin/env bash
set -e
doveadm -c "$work/dovecot.conf" kick "ss-$n" >/dev/null 2>&1 || true
rm -rf "$work/home/ss-$n"
mkdir -p "$work/home/ss-$n/rawlog"
cp -a --reflink=auto "$m/Maildir" "$work/home/ss-$n/Maildir"
chown "$vuid:$vgid" "$work/home/ss-$n" "$work/home/ss-$n/rawlog"

EOF
  chmod +x "$reset"
  BENCH_USER="ss-$n" measure "ss-$n" "$out/steady.raw" java -Dbench.masterPid="$master_pid" -cp "$classes:$jar" \
    org.mailtidy.bench.BenchTool steady "$bench/mailtidy.yaml" "$steady_runs" "$reset"
  { grep -v -e '^wall_s=' -e '^cpu_s=' -e '^server_cpu_s=' -e '^rss_kb=' "$out/steady.raw"
    grep -e '^wall_s=' -e '^cpu_s=' -e '^server_cpu_s=' -e '^walls_s=' "$out/steady.raw.log"
    grep '^rss_kb=' "$out/steady.raw"; } > "$out/steady.properties"

  log "N=$n: comparing final mailboxes"
  final_state "mt-$n" > "$out/final-mailtidy.tsv"
  final_state "if-$n" > "$out/final-imapfilter.tsv"
  final_state "ic-$n" > "$out/final-imapfilter-criteria.tsv"
  final_state "rp-$n" > "$out/final-replay.tsv"
  final_state "ss-$n" > "$out/final-steady.tsv"
  local summary
  summary="$(awk -F'\t' '{c[$1]++} END{for (k in c) printf "%s %d, ", k, c[k]}' "$out/final-mailtidy.tsv")"
  summary="${summary%, } left of $n"
  local verdict="mailtidy and imapfilter leave the same mailbox (Message-ID, mailbox and flags of every message)"
  if ! diff -q "$out/final-mailtidy.tsv" "$out/final-imapfilter.tsv" >/dev/null; then
    verdict="DIFFERENT: $(diff "$out/final-mailtidy.tsv" "$out/final-imapfilter.tsv" | grep -c '^[<>]' || true) lines differ (diff $out/final-*.tsv)"
  fi
  for other in imapfilter-criteria replay steady; do
    diff -q "$out/final-mailtidy.tsv" "$out/final-$other.tsv" >/dev/null \
      || verdict="$verdict; the $other run left a DIFFERENT mailbox"
  done
  echo "summary=$verdict; $summary" > "$out/check.properties"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min, at the end)" >> "$out/check.properties"
  tool report "$results" "$n"
}

# ---- JVM start cost at N = 1,000 ----

startup() {
  local n=1000 m out="$results/startup" jsa="$work/mailtidy.jsa" first="$work/cds-first"
  m="$(master "$n")"
  mkdir -p "$out"
  export BENCH_PORT="$port" BENCH_PASSWORD="$password" BENCH_USER="st-$n"
  rm -f "$jsa"
  copy_user "st-$n" "$m"
  java -XX:ArchiveClassesAtExit="$jsa" -jar "$jar" once -c "$bench/mailtidy.yaml" > "$out/archive.log" 2>&1
  # variant NAME command... : the median of 7, each on a fresh copy; $before_sample runs before each (not timed).
  variant() {
    local name="$1"; shift
    local i
    : > "$out/samples"
    for i in 1 2 3 4 5 6 7; do
      copy_user "st-$n" "$m"
      [ -z "${before_sample:-}" ] || $before_sample
      /usr/bin/time -f '%e %U %S' -o "$out/t" "$@" > "$out/run.log" 2>&1
      awk '{printf "%s %.2f\n", $1, $2 + $3}' "$out/t" >> "$out/samples"
    done
    printf '| %s | %s | %s |\n' "$name" "$(cut -d' ' -f1 "$out/samples" | sort -n | sed -n 4p)" \
      "$(cut -d' ' -f2 "$out/samples" | sort -n | sed -n 4p)"
  }
  local once=(once -c "$bench/mailtidy.yaml")
  {
    echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| variant (median of 7, N = 1,000) | wall s | CPU s (user + sys) |"
    echo "|---|---:|---:|"
    variant "java -version (JVM alone)" java -version
    variant "mailtidy --version: java -jar (JVM + picocli)" java -jar "$jar" --version
    variant "mailtidy --version: launcher default" "$launcher" --version
    variant "once: java -jar" java -jar "$jar" "${once[@]}"
    variant "once -XX:TieredStopAtLevel=1" java -XX:TieredStopAtLevel=1 -jar "$jar" "${once[@]}"
    variant "once -XX:+UseSerialGC" java -XX:+UseSerialGC -jar "$jar" "${once[@]}"
    variant "once -XX:SharedArchiveFile (AppCDS)" java -XX:SharedArchiveFile="$jsa" -jar "$jar" "${once[@]}"
    variant "once AppCDS + TieredStopAtLevel=1 + SerialGC" java -XX:SharedArchiveFile="$jsa" -XX:TieredStopAtLevel=1 \
      -XX:+UseSerialGC -jar "$jar" "${once[@]}"
    before_sample="rm -rf $first" MAILTIDY_CDS_DIR="$first" \
      variant "once: launcher, first use (writes its archive)" "$launcher" "${once[@]}"
    variant "once: launcher default (archive written before)" "$launcher" "${once[@]}"
    MAILTIDY_JAVA_OPTS=-XX:-VerifySharedSpaces \
      variant "once: launcher, archive checksum off (-XX:-VerifySharedSpaces)" "$launcher" "${once[@]}"
    MAILTIDY_JAVA_OPTS=-XX:TieredStopAtLevel=1 \
      variant "once: launcher with C1 only (-XX:TieredStopAtLevel=1)" "$launcher" "${once[@]}"
    echo
    echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$out/startup.md"
}

# ---- C1 only against C2 on a big mailbox ----

# C1 only (-XX:TieredStopAtLevel=1) against the JVM's default tiered C2 (the launcher's for `once`) at N:
# alternating runs, each on a fresh copy written out first, so that a change of load hits both alike.
jit() {
  local n="$1" m out="$results/jit-$1" k="${repeat:-3}" i
  m="$(master "$n")"
  rm -rf "$out"; mkdir -p "$out"
  export BENCH_PORT="$port" BENCH_PASSWORD="$password" BENCH_USER="jt-$n"
  # Dovecot's own times from its tagged answers, "(run + lock wait + output wait secs)", summed: the
  # output wait is the time the server waited for the client to read.
  dovecot_times() {
    cat "$work/home/jt-$n"/rawlog/*.out | grep -aoE '\([0-9.]+ \+ [0-9.]+( \+ [0-9.]+)? secs\)' | tr -d '()+' \
      | awk '{r += $1; l += $2; w += $3} END {printf "dovecot_run_s=%.2f\ndovecot_lock_s=%.2f\ndovecot_output_wait_s=%.2f\n", r, l, w}'
  }
  for i in $(seq "$k"); do
    log "N=$n: once, launcher with C1 only (MAILTIDY_JAVA_OPTS=-XX:TieredStopAtLevel=1), run $i of $k"
    copy_user "jt-$n" "$m"; sync
    MAILTIDY_JAVA_OPTS=-XX:TieredStopAtLevel=1 measure "jt-$n" "$out/c1.$i" "$launcher" once -c "$bench/mailtidy.yaml"
    dovecot_times >> "$out/c1.$i"
    log "N=$n: once, launcher default (C2), run $i of $k"
    copy_user "jt-$n" "$m"; sync
    measure "jt-$n" "$out/c2.$i" "$launcher" once -c "$bench/mailtidy.yaml"
    dovecot_times >> "$out/c2.$i"
  done
  median_of() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
  values() { local v="$1" key="$2"; for i in $(seq "$k"); do grep "^$key=" "$out/$v.$i" | cut -d= -f2; done; }
  {
    echo "| once at N = $n (median of $k) | wall s | client CPU s | server CPU s | peak RSS MB | IMAP commands |"
    echo "|---|---:|---:|---:|---:|---:|"
    for v in c1 c2; do
      printf '| %s | %s | %s | %s | %s | %s |\n' \
        "$([ $v = c1 ] && echo "launcher, C1 only (-XX:TieredStopAtLevel=1)" || echo "launcher default (C2)")" \
        "$(values $v wall_s | median_of)" "$(values $v cpu_s | median_of)" "$(values $v server_cpu_s | median_of)" \
        "$(( $(values $v rss_kb | median_of) / 1024 ))" "$(values $v commands | median_of)"
    done
    echo
    for v in c1 c2; do
      echo "$v samples: wall [$(values $v wall_s | paste -sd, -)], client CPU [$(values $v cpu_s | paste -sd, -)]," \
        "Dovecot's own run time [$(values $v dovecot_run_s | paste -sd, -)] and wait for the client to read" \
        "[$(values $v dovecot_output_wait_s | paste -sd, -)]"
    done
    echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$out/jit.md"
}

# ---- heap at N = 1,000,000 ----

heap() {
  local n="${1:-1000000}" m out="$results/heap-$1"
  m="$(master "$n" --small)"
  mkdir -p "$out"
  export BENCH_PORT="$port" BENCH_PASSWORD="$password" BENCH_USER="hp-$n"
  for xmx in ${BENCH_HEAP_LIMITS:-64m}; do
    copy_user "hp-$n" "$m"
    log "N=$n: once with -Xmx$xmx"
    # BENCH_HEAP_JAVA_OPTS adds JVM options, e.g. -XX:+HeapDumpOnOutOfMemoryError to find what holds the heap.
    if measure "hp-$n" "$out/xmx$xmx.properties" java -Xmx$xmx -Xlog:gc:file="$out/gc-$xmx.log" \
        ${BENCH_HEAP_JAVA_OPTS:-} -jar "$jar" once -c "$bench/mailtidy.yaml"; then
      echo "result=ok" >> "$out/xmx$xmx.properties"
    else
      echo "result=failed" >> "$out/xmx$xmx.properties"
    fi
    grep -E '^(wall_s|cpu_s|rss_kb|result)=' "$out/xmx$xmx.properties" | tr '\n' ' '; echo
    grep -o 'Pause Full.*' "$out/gc-$xmx.log" | tail -1 || true
  done
}

# ---- incremental: the second pass on a mailbox the first pass tidied, after a day's change ----

# The state dir is put back from its snapshot before each timed pass, as the mailbox is.
restore_state() {
  local from="$1" to="$2"
  rm -rf "$to"
  mkdir -p "$to"
  cp -a "$from/." "$to/"
  sync
}

# COUNT UIDs, evenly spaced and shifted by PHASE (0 to 1) of a step, among the INBOX messages that match
# QUERY (doveadm search), comma-separated. Different phases keep the five changes off the same messages.
pick_uids() {
  local user="$1" count="$2" phase="$3"; shift 3
  doveadm_ search -u "$user" mailbox INBOX "$@" | awk '{print $2}' | sort -n \
    | awk -v want="$count" -v phase="$phase" '{u[NR] = $1} END {if (NR == 0) exit; step = NR / want
        if (step < 1) {step = 1; want = NR}
        for (k = 0; k < want; k++) printf "%s%s", (k ? "," : ""), u[int((k + phase) * step) + 1]; print ""}'
}

# What "another client" does between the passes, on 0.5 % of the messages (a fifth each): reads some,
# marks some unread, flags, unflags, marks some as junk. Picked once on mailtidy's post-pass-1 INBOX and
# replayed by UID on every copy, whose INBOX UIDs are the master's (checked at the start of pass 2).
plan_flag_changes() {
  local user="$1" n="$2" fifth=$(( $2 / 200 / 5 ))
  {
    echo "add \\Seen $(pick_uids "$user" "$fifth" 0 unseen)"
    echo "remove \\Seen $(pick_uids "$user" "$fifth" 0.2 seen)"
    echo "add \\Flagged $(pick_uids "$user" "$fifth" 0.4 unflagged)"
    echo "remove \\Flagged $(pick_uids "$user" "$fifth" 0.6 flagged)"
    echo "add \$Junk $(pick_uids "$user" "$fifth" 0.8 all)"
  }
}

# A day's change, identical on every copy: the delivery's files into new/ (Dovecot gives them the next
# UIDs), then the planned flag changes.
apply_day_change() {
  local user="$1" inc="$2" maildir="$work/home/$1/Maildir"
  cp -a "$inc/delivery/new/." "$maildir/new/"
  chown -R "$vuid:$vgid" "$maildir/new"
  # LMTP writes the index record at delivery; for files dropped into new/ doveadm index does the same
  doveadm_ index -u "$user" INBOX
  local action flag uids
  while read -r action flag uids; do
    [ -z "$uids" ] || doveadm_ flags "$action" -u "$user" "$flag" mailbox INBOX uid "$uids"
  done < "$inc/flag-changes"
  doveadm_ kick "$user" >/dev/null 2>&1 || true
}

# UID, mailbox and Message-ID of every INBOX message: the flag changes address messages by UID.
inbox_uids() { doveadm_ -f tab fetch -u "$1" 'uid hdr.message-id' mailbox INBOX all | tail -n +2 | sort -n; }

# "MESSAGES 734, UIDNEXT 1011, UIDVALIDITY 1795672826, HIGHESTMODSEQ 26" of the user's INBOX.
inbox_status() {
  doveadm_ -f tab mailbox status -u "$1" 'messages uidvalidity uidnext highestmodseq' INBOX \
    | awk -F'\t' 'NR == 1 {for (i = 2; i <= NF; i++) h[i] = toupper($i); next}
        {for (i = 2; i <= NF; i++) printf "%s%s %s", (i > 2 ? ", " : ""), h[i], $i; print ""}'
}

# A Java properties value: backslashes (\Seen) escaped.
prop() { printf '%s=%s\n' "$1" "$(printf '%s' "$2" | sed 's/\\/\\\\/g')"; }
prop_value() { grep "^$2=" "$1" | cut -d= -f2-; }
pass1_value() { prop_value "$1/pass1-$2.properties" "$3"; }

# steady_pass2 NAME STATE-DIR-OR-none: BenchTool steady on mailtidy's post-change copy; the reset before each
# pass restores that copy and, with a state dir, the state dir pass 1 left. Called by incremental (its n, inc, out).
steady_pass2() {
  local name="$1" state="$2" user="im-$n" reset="$work/reset-inc-$1-$n.sh"
  cat > "$reset" <<RESET
#!/usr/bin/env bash
set -e
doveadm -c "$work/dovecot.conf" kick "$user" >/dev/null 2>&1 || true
rm -rf "$work/home/$user"
mkdir -p "$work/home/$user/rawlog"
cp -a --reflink=auto "$inc/$user/Maildir" "$work/home/$user/Maildir"
chown "$vuid:$vgid" "$work/home/$user" "$work/home/$user/rawlog"
RESET
  [ "$state" = none ] || printf 'rm -rf "%s"\nmkdir -p "%s"\ncp -a "%s/." "%s/"\n' "$state" "$state" \
    "$inc/state-after-pass1" "$state" >> "$reset"
  echo sync >> "$reset"   # as before_each in incremental
  chmod +x "$reset"
  BENCH_USER="$user" measure "$user" "$out/$name.raw" java -Dbench.masterPid="$master_pid" -Dbench.stateDir="$state" \
    -cp "$classes:$jar" org.mailtidy.bench.BenchTool steady "$bench/mailtidy.yaml" "$steady_runs" "$reset"
  { grep -v -e '^wall_s=' -e '^cpu_s=' -e '^server_cpu_s=' -e '^rss_kb=' "$out/$name.raw"
    grep -e '^wall_s=' -e '^cpu_s=' -e '^server_cpu_s=' -e '^walls_s=' "$out/$name.raw.log"
    grep '^rss_kb=' "$out/$name.raw"; } > "$out/$name.properties"
  final_state "$user" > "$out/final-$name.tsv"
}

# incremental N: pass 1 (not timed in the table) on a copy of the master for mailtidy (fresh state dir) and
# for each imapfilter variant; the same day's change applied to each tool's post-pass-1 mailbox; pass 2
# timed, each tool on a fresh copy of its own post-change mailbox (mailtidy with the state dir pass 1 left,
# put back before each run, and without one); then every final mailbox compared.
incremental() {
  local n="$1" m out inc k
  m="$(master "$n")"
  out="$results/incremental-$n${BENCH_PASS2_RTT:+-rtt$BENCH_PASS2_RTT}"
  inc="$work/incremental/$n"   # the snapshots: post-change mailboxes, the post-pass-1 state dir, the delivery
  k="${repeat:-$([ "$n" -ge 100000 ] && echo 1 || echo 3)}"
  rm -rf "$out" "$inc"
  mkdir -p "$out" "$inc"
  export BENCH_PORT="$port" BENCH_PASSWORD="$password"
  local state="$work/state/im-$n" ifhome="$work/imapfilter-home"
  mkdir -p "$ifhome"
  # Each timed run starts after its fresh copy is written out: the kernel's writeback of a 100,000-message
  # copy would otherwise overlap the run it was made for.
  local before_each=sync

  # BENCH_PASS2_RTT=ms: both passes (not the raw replay) through the delay proxy, each direction delayed
  # by ms/2 (issue 15: the daemon's incremental run over a slow network); results in incremental-N-rttMS.
  # Pass 1 too: the mailbox cache is kept per server and port.
  local proxy_pid=""
  if [ -n "${BENCH_PASS2_RTT:-}" ]; then
    local proxy_port
    proxy_port="$(free_port)"
    java "$top/src/test/java/org/mailtidy/testsupport/DelayProxy.java" "$proxy_port" 127.0.0.1 "$port" \
      "$BENCH_PASS2_RTT" "$out/proxy.log" > "$out/proxy.out" 2>&1 &
    proxy_pid=$!
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null && break
      sleep 0.1
    done
    export BENCH_PORT="$proxy_port"
  fi

  log "N=$n: pass 1: mailtidy once with a fresh state dir, imapfilter (both variants)"
  rm -rf "$state"; mkdir -p "$state"
  copy_user "im-$n" "$m"
  copy_user "if-$n" "$m"
  copy_user "ic-$n" "$m"
  $before_each
  BENCH_USER="im-$n" measure "im-$n" "$out/pass1-mailtidy.properties" \
    "$launcher" once -c "$bench/mailtidy.yaml" --state-dir "$state"
  restore_state "$state" "$inc/state-after-pass1"
  HOME="$ifhome" BENCH_USER="if-$n" measure "if-$n" "$out/pass1-imapfilter.properties" imapfilter -c "$bench/imapfilter.lua"
  HOME="$ifhome" BENCH_USER="ic-$n" measure "ic-$n" "$out/pass1-imapfilter-criteria.properties" \
    imapfilter -c "$bench/imapfilter-per-criterion.lua"

  log "N=$n: a day's change: $((n / 100)) new messages, flag changes on $((n / 200)) messages"
  plan_flag_changes "im-$n" "$n" > "$inc/flag-changes"
  tool deliver "$inc/delivery" $((n / 100)) "$n"
  local u
  for u in im if ic; do
    apply_day_change "$u-$n" "$inc"
    mkdir -p "$inc/$u-$n"
    cp -a --reflink=auto "$work/home/$u-$n/Maildir" "$inc/$u-$n/Maildir"
  done
  # Checked on the live copies after the snapshots were taken: reading every Message-ID makes Dovecot
  # cache that header, which the snapshots should not carry.
  local start_verdict="identical on the three copies (UID, Message-ID and flags of every INBOX message; the other mailboxes): pass 1 left the same mailbox for every tool, and the change was applied alike"
  for u in im if ic; do
    prop "status.$u" "$(inbox_status "$u-$n")" >> "$out/pass2-start.properties"
    final_state "$u-$n" > "$out/pass2-start-$u.tsv"
    inbox_uids "$u-$n" > "$out/pass2-start-inbox-$u.tsv"
  done
  for u in if ic; do
    if ! diff -q "$out/pass2-start-im.tsv" "$out/pass2-start-$u.tsv" >/dev/null \
        || ! diff -q "$out/pass2-start-inbox-im.tsv" "$out/pass2-start-inbox-$u.tsv" >/dev/null; then
      start_verdict="DIFFERENT on the $u-$n copy (diff $out/pass2-start-*.tsv)"
      log "start of pass 2: $start_verdict"
    fi
  done

  log "N=$n: pass 2: mailtidy once, state dir of pass 1 (median of $k)"
  before_each="restore_state $inc/state-after-pass1 $state" BENCH_USER="im-$n" \
    measure_median "$k" "im-$n" "$inc/im-$n" "$out/mailtidy.properties" \
    "$launcher" once -c "$bench/mailtidy.yaml" --state-dir "$state"
  final_state "im-$n" > "$out/final-mailtidy.tsv"
  cp -a "$work/home/im-$n/rawlog" "$inc/rawlog-pass2"

  log "N=$n: pass 2: mailtidy once --state-dir none (median of $k)"
  BENCH_USER="im-$n" measure_median "$k" "im-$n" "$inc/im-$n" "$out/mailtidy-nostate.properties" \
    "$launcher" once -c "$bench/mailtidy.yaml" --state-dir none
  final_state "im-$n" > "$out/final-mailtidy-nostate.tsv"

  log "N=$n: pass 2: imapfilter, both variants (median of $k)"
  HOME="$ifhome" BENCH_USER="if-$n" measure_median "$k" "if-$n" "$inc/if-$n" "$out/imapfilter.properties" \
    imapfilter -c "$bench/imapfilter.lua"
  final_state "if-$n" > "$out/final-imapfilter.tsv"
  HOME="$ifhome" BENCH_USER="ic-$n" measure_median "$k" "ic-$n" "$inc/ic-$n" "$out/imapfilter-criteria.properties" \
    imapfilter -c "$bench/imapfilter-per-criterion.lua"
  final_state "ic-$n" > "$out/final-imapfilter-criteria.tsv"

  [ -z "$proxy_pid" ] || cp "$out/proxy.log" "$out/proxy-pass1-pass2-once-imapfilter.log"
  log "N=$n: pass 2: raw replay of mailtidy's pass-2 commands (median of $k)"
  extra_copy="rw-$n" measure_median "$k" "rp-$n" "$inc/im-$n" "$out/replay.raw" java -cp "$classes:$jar" \
    org.mailtidy.bench.BenchTool replay 127.0.0.1 "$port" "rp-$n" "$password" "$inc/rawlog-pass2" "rw-$n"
  cp "$out/replay.raw" "$out/replay.properties"
  final_state "rp-$n" > "$out/final-replay.tsv"

  log "N=$n: pass 2: steady state, with and without the state dir ($steady_runs passes after a warm-up)"
  steady_pass2 steady "$state"
  steady_pass2 steady-nostate none
  if [ -n "$proxy_pid" ]; then
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    export BENCH_PORT="$port"
  fi

  local differing="" other
  for other in mailtidy-nostate imapfilter imapfilter-criteria replay steady steady-nostate; do
    diff -q "$out/final-mailtidy.tsv" "$out/final-$other.tsv" >/dev/null \
      || differing="$differing, $other ($(diff "$out/final-mailtidy.tsv" "$out/final-$other.tsv" | grep -c '^[<>]' || true) lines)"
  done
  local verdict="all runs leave the same mailbox (Message-ID, mailbox and flags of every message)"
  [ -z "$differing" ] || verdict="DIFFERENT from mailtidy's final mailbox: ${differing#, } (diff $out/final-*.tsv)"
  local summary
  summary="$(awk -F'\t' '{c[$1]++} END{for (k in c) printf "%s %d, ", k, c[k]}' "$out/final-mailtidy.tsv")"
  summary="${summary%, } left of $((n + n / 100))"
  {
    prop pass1 "Pass 1 (fresh state dir; not in the table): mailtidy once $(pass1_value "$out" mailtidy wall_s) s, $(pass1_value "$out" mailtidy commands) commands; imapfilter $(pass1_value "$out" imapfilter wall_s) s; imapfilter per criterion $(pass1_value "$out" imapfilter-criteria wall_s) s."
    prop change "The day's change between the passes: $((n / 100)) new messages delivered into INBOX (new/, then doveadm index), and another client's flag changes by doveadm: $(awk '{printf "%s%s %s on %d", (NR > 1 ? ", " : ""), $1, $2, split($3, a, ",")}' "$inc/flag-changes") messages. At the start of pass 2 the mailboxes were $start_verdict."
    prop mailbox "INBOX at the start of pass 2: mailtidy's copy $(prop_value "$out/pass2-start.properties" status.im); imapfilter's $(prop_value "$out/pass2-start.properties" status.if); imapfilter per criterion's $(prop_value "$out/pass2-start.properties" status.ic)."
    prop summary "$verdict; $summary"
    prop load "$(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min, at the end)"
  } > "$out/check.properties"
  tool report-incremental "$out"
}

# ---- latency (issue 15): the same runs over a slow network ----

# latency [N]: mailtidy `once` and imapfilter's two forms on N messages (default 2,000) through a delay
# proxy (src/test/java/org/mailtidy/testsupport/DelayProxy.java: each direction delayed by RTT/2, order
# kept, round trips counted per connection) at each RTT of $BENCH_RTTS (default 0 25 100 ms).
# Round trips per run are reported twice: counted by the proxy, and (time at RTT - time at 0) / RTT.
latency() {
  local n="$1" m out k rtt proxy_port proxy_pid name
  m="$(master "$n")"
  out="$results/latency-$n"
  k="${repeat:-3}"
  # BENCH_LATENCY_TOOLS="mailtidy" measures only those tools, keeping the other tools' results
  [ -n "${BENCH_LATENCY_TOOLS:-}" ] || rm -rf "$out"
  mkdir -p "$out"
  export BENCH_PASSWORD="$password"
  mkdir -p "$work/imapfilter-home"
  if [ -n "${BENCH_BASELINE:-}" ]; then   # its launcher writes its own class archive on the first run
    copy_user "lb-$n" "$m"
    BENCH_PORT="$port" BENCH_USER="lb-$n" "$BENCH_BASELINE/bin/mailtidy" once -c "$bench/mailtidy.yaml" \
      > "$out/baseline-warmup.log" 2>&1
  fi
  for rtt in ${BENCH_RTTS:-0 25 100}; do
    proxy_port="$(free_port)"
    java "$top/src/test/java/org/mailtidy/testsupport/DelayProxy.java" "$proxy_port" 127.0.0.1 "$port" "$rtt" \
      "$out/proxy-$rtt.log" > "$out/proxy-$rtt.out" 2>&1 &
    proxy_pid=$!
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null && break
      sleep 0.1
    done
    export BENCH_PORT="$proxy_port"
    for name in ${BENCH_LATENCY_TOOLS:-mailtidy imapfilter imapfilter-criteria} ${BENCH_BASELINE:+baseline}; do
      : > "$out/proxy-$rtt.log"
      log "N=$n, RTT $rtt ms: $name (median of $k)"
      case "$name" in
        mailtidy) BENCH_USER="lm-$n" measure_median "$k" "lm-$n" "$m" "$out/$name-$rtt.properties" \
                    "$launcher" once -c "$bench/mailtidy.yaml" ;;
        baseline) BENCH_USER="lb-$n" measure_median "$k" "lb-$n" "$m" "$out/$name-$rtt.properties" \
                    "$BENCH_BASELINE/bin/mailtidy" once -c "$bench/mailtidy.yaml" ;;
        imapfilter) HOME="$work/imapfilter-home" BENCH_USER="li-$n" measure_median "$k" "li-$n" "$m" \
                    "$out/$name-$rtt.properties" imapfilter -c "$bench/imapfilter.lua" ;;
        imapfilter-criteria) HOME="$work/imapfilter-home" BENCH_USER="lc-$n" measure_median "$k" "lc-$n" "$m" \
                    "$out/$name-$rtt.properties" imapfilter -c "$bench/imapfilter-per-criterion.lua" ;;
      esac
      sleep 0.5   # the proxy reports a connection once both sides closed
      echo "round_trips=[$(cut -d= -f2 "$out/proxy-$rtt.log" | paste -sd, -)]" >> "$out/$name-$rtt.properties"
    done
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
  done
  latency_table "$out" "$n" "$k" | tee "$out/table.txt"
}

# One line per tool and RTT: wall time (median), round trips counted by the proxy (median of the runs;
# connections without a command, such as the port probe, left out) and estimated from the wall times.
latency_table() {
  local out="$1" n="$2" k="$3" name rtt zero wall counted est
  printf '%-20s %7s %10s %9s %10s %8s\n' "N=$n" "RTT ms" "wall s" "counted" "estimated" "commands"
  for name in mailtidy imapfilter imapfilter-criteria baseline; do
    [ -f "$out/$name-0.properties" ] || continue
    zero="$(grep '^wall_s=' "$out/$name-0.properties" | cut -d= -f2)"
    for rtt in ${BENCH_RTTS:-0 25 100}; do
      wall="$(grep '^wall_s=' "$out/$name-$rtt.properties" | cut -d= -f2)"
      counted="$(grep '^round_trips=' "$out/$name-$rtt.properties" | cut -d= -f2 | tr -d '[]' | tr ',' '\n' \
        | awk '$1 > 1' | sort -n | awk '{v[NR]=$1} END{if (NR) print v[int((NR + 1) / 2)]; else print "-"}')"
      est="$(awk -v w="$wall" -v z="$zero" -v r="$rtt" 'BEGIN{ if (r > 0) printf "%.1f", (w - z) * 1000 / r; else printf "-" }')"
      printf '%-20s %7s %10s %9s %10s %8s\n' "$name" "$rtt" "$wall" "$counted" "$est" \
        "$(grep '^commands=' "$out/$name-$rtt.properties" | cut -d= -f2)"
    done
  done
  echo "(median of $k runs each on a fresh copy; counted: by the delay proxy, per run; at RTT 0 the proxy's"
  echo " count is not meaningful for pipelined flights; estimated: (wall - wall at RTT 0) / RTT)"
}

# ---- flights (issue 15): what each round trip of a first run carries ----

# flights [N...]: one `mailtidy once` (the jar, not the launcher: only the commands count) per N on a fresh
# copy of the master, through the delay proxy at $BENCH_RTT ms (default 40: a flight is written before its
# first answer is back); the proxy lists per round trip the octets sent and the commands by name.
flights() {
  local n m out proxy_port proxy_pid sizes=("$@")
  [ ${#sizes[@]} -gt 0 ] || sizes=(2000 100000)
  out="$results/flights"
  mkdir -p "$out"
  for n in "${sizes[@]}"; do
    m="$(master "$n")"
    copy_user "fl-$n" "$m"
    proxy_port="$(free_port)"
    : > "$out/flights-$n.txt"
    java -Ddelayproxy.flights=true "$top/src/test/java/org/mailtidy/testsupport/DelayProxy.java" "$proxy_port" \
      127.0.0.1 "$port" "${BENCH_RTT:-40}" "$out/flights-$n.txt" > "$out/proxy-$n.out" 2>&1 &
    proxy_pid=$!
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null && break
      sleep 0.1
    done
    : > "$out/flights-$n.txt"   # the port probe's connection
    log "N=$n: once through the proxy (RTT ${BENCH_RTT:-40} ms)"
    BENCH_PORT="$proxy_port" BENCH_PASSWORD="$password" BENCH_USER="fl-$n" MAILTIDY_CDS_DIR=none \
      java ${BENCH_JAVA_OPTS:-} -jar "$jar" once -c "$bench/mailtidy.yaml" > "$out/once-$n.log" 2>&1 \
      || log "N=$n: once failed (see $out/once-$n.log)"
    for _ in $(seq 100); do
      [ -s "$out/flights-$n.txt" ] && break
      sleep 0.1
    done
    sleep 0.5
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    printf 'N = %s\n' "$n"
    grep -v "^round_trips=0$" "$out/flights-$n.txt" | grep -v "^$" || true
  done
}

[ "${1:-}" = flights ] || install_packages
build
mkdir -p "$work" "$results"
start_dovecot
case "${1:-all}" in all|startup|jit|incremental|latency) cds_archive ;; esac
case "${1:-all}" in
  all) for n in $sizes; do run_size "$n"; done; tool report "$results" ;;
  startup) startup ;;
  heap) heap "${2:-1000000}" ;;
  incremental) incremental "${2:-100000}" ;;
  jit) jit "${2:-100000}" ;;
  latency) latency "${2:-2000}" ;;
  flights) shift; flights "$@" ;;
  *) echo "usage: bench/run.sh [all|startup|heap [N]|incremental [N]|jit [N]|latency [N]|flights [N...]]" >&2; exit 2 ;;
esac
