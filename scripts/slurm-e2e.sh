#!/usr/bin/env bash
# Run the shipped Slurm array job for real, on a one-node Slurm started
# here, and check that its merged report is the single run's, byte for
# byte. CI runs it (.ci/run); it fails, loudly, when Slurm cannot start.
#
#   scripts/slurm-e2e.sh
#   SCENARIO=scenarios/quickstart.toml REPLICATIONS=400 ARRAY=1-8 scripts/slurm-e2e.sh
#
# It installs Debian's slurmctld, slurmd, slurm-client and munge if they
# are missing (as root, or with sudo), starts munged (unless one is
# running), slurmctld and slurmd with a minimal slurm.conf on 127.0.0.1,
# submits deploy/slurm/caseflow-array.sbatch with sbatch as a user would
# (the array of shards, whose first task submits the merge), polls squeue
# and scontrol until every job has finished or TIMEOUT seconds have
# passed, runs the same scenario once on one machine, and compares the
# two reports with diff -r. The daemons it started are stopped by their
# process ids, whatever happens. Everything it writes is under a
# temporary folder (KEEP=1 keeps it).
#
# Settings, from the environment:
#   SCENARIO      scenario file, from the repository    (scenarios/halton-2015-baseline.toml)
#   REPLICATIONS  replications of the whole run          (200)
#   SEED          seed                                   (1)
#   ARRAY         the array's tasks: N shards as 1-N     (1-4)
#   CPUS          CPUs per task, threads per shard       (1)
#   TIMEOUT       seconds to wait for the jobs           (1200)
#   SINGLE        0 skips the single run and the diff    (1)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCENARIO="${SCENARIO:-scenarios/halton-2015-baseline.toml}"
REPLICATIONS="${REPLICATIONS:-200}"
SEED="${SEED:-1}"
ARRAY="${ARRAY:-1-4}"
CPUS="${CPUS:-1}"
TIMEOUT="${TIMEOUT:-1200}"
SINGLE="${SINGLE:-1}"

say() { echo "slurm-e2e: $*"; }
fail() {
    echo "slurm-e2e: FAILED: $*" >&2
    exit 1
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "Slurm's daemons are started as root here: run as root or with sudo available"
    SUDO="sudo"
fi

# --- Install ------------------------------------------------------------
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 ||
    ! command -v sbatch >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
    say "installing slurmctld slurmd slurm-client munge"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
fi
cargo build --release --quiet
export PATH="$ROOT/target/release:$PATH"

# --- Configure ----------------------------------------------------------
WORK="$(mktemp -d /tmp/caseflow-slurm.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/log" "$WORK/run"
STARTED=()
cleanup() {
    local status=$?
    if [ -n "${SLURM_CONF:-}" ] && [ "${#STARTED[@]}" -gt 0 ]; then
        timeout 10 scancel --quiet --full "--user=$(id -un)" 2>/dev/null || true
    fi
    # slurmd waiting for a controller that never came ignores TERM: KILL after 10 s.
    for pid in "${STARTED[@]}"; do
        $SUDO kill "$pid" 2>/dev/null || true
    done
    for pid in "${STARTED[@]}"; do
        for _ in $(seq 50); do
            $SUDO kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        $SUDO kill -9 "$pid" 2>/dev/null || true
    done
    if [ "${#STARTED[@]}" -gt 0 ]; then say "stopped the daemons it started (pids ${STARTED[*]})"; fi
    if [ "${KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then
        say "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free TCP port on 127.0.0.1, so a run never meets another's Slurm.
free_port() {
    local port
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    fail "no free port found"
}

HOST="$(hostname -s)"
NCPU="$(nproc)"
MEM_MB=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024 * 9 / 10))
export SLURM_CONF="$WORK/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=caseflow-e2e
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$NCPU RealMemory=$MEM_MB State=UNKNOWN
PartitionName=e2e Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
say "$(sbatch --version), node $HOST with $NCPU CPUs, config $SLURM_CONF"

show_logs() {
    for f in "$WORK"/log/* "$WORK"/run/*.out; do
        [ -f "$f" ] || continue
        echo "----- $f (last 30 lines)" >&2
        tail -n 30 "$f" >&2
    done
}

# --- Start --------------------------------------------------------------
if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
    say "munged is running already: using it"
else
    $SUDO install -d -o munge -g munge -m 0755 /run/munge
    $SUDO setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground \
        >"$WORK/log/munged.log" 2>&1 &
    STARTED+=("$!")
    for _ in $(seq 50); do
        munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break
        sleep 0.2
    done
    munge -n </dev/null | unmunge >/dev/null || { show_logs; fail "munged did not start"; }
    say "started munged (pid ${STARTED[-1]})"
fi
$SUDO slurmctld -D -f "$SLURM_CONF" >"$WORK/log/slurmctld.out" 2>&1 &
STARTED+=("$!")
say "started slurmctld (pid ${STARTED[-1]})"
$SUDO slurmd -D -f "$SLURM_CONF" >"$WORK/log/slurmd.out" 2>&1 &
STARTED+=("$!")
say "started slurmd (pid ${STARTED[-1]})"
waited_from=$(date +%s)
state=""
while [ "$state" != idle ]; do
    for pid in "${STARTED[@]}"; do
        $SUDO kill -0 "$pid" 2>/dev/null || { show_logs; fail "a daemon it started (pid $pid) has stopped"; }
    done
    [ $(($(date +%s) - waited_from)) -lt 60 ] ||
        { show_logs; fail "the node is not idle after 60 s (sinfo says '${state:-nothing}')"; }
    sleep 1
    state="$(timeout 10 sinfo -h -o %T 2>/dev/null || true)"
done
say "node $HOST is idle: $NCPU CPUs"

# --- Submit, as a user would: from a folder holding the scenarios -------
cd "$WORK/run"
ln -s "$ROOT/scenarios" scenarios
ln -s "$ROOT/data" data
export SCENARIO REPLICATIONS SEED SHARDS="$WORK/run/shards" REPORTS="$WORK/run/reports"
started_at=$(date +%s)
array_job="$(sbatch --parsable "--array=$ARRAY" "--cpus-per-task=$CPUS" "$ROOT/deploy/slurm/caseflow-array.sbatch")"
say "submitted $SCENARIO, $REPLICATIONS replications, seed $SEED: array job $array_job (tasks $ARRAY)"

# Jobs as `id name array-task state exit-code`, from `scontrol -o show job`.
jobs() {
    scontrol -o show job 2>/dev/null | awk '{
        id = ""; name = ""; task = "-"; state = ""; code = ""
        for (i = 1; i <= NF; i++) {
            split($i, kv, "=")
            if (kv[1] == "JobId") id = kv[2]
            else if (kv[1] == "JobName") name = kv[2]
            else if (kv[1] == "ArrayTaskId") task = kv[2]
            else if (kv[1] == "JobState") state = kv[2]
            else if (kv[1] == "ExitCode") code = kv[2]
        }
        print id, name, task, state, code
    }'
}
merge_job=""
while :; do
    sleep 2
    list="$(jobs)"
    [ -n "$merge_job" ] || merge_job="$(awk '$2 == "caseflow-merge" { print $1; exit }' <<<"$list")"
    if awk '$2 == "caseflow-shards" && $4 ~ /FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY/ { bad = 1 } END { exit !bad }' <<<"$list"; then
        break
    fi
    if [ -n "$merge_job" ] && [ -z "$(timeout 20 squeue -h -o %i || echo unknown)" ]; then
        break
    fi
    if [ $(($(date +%s) - started_at)) -ge "$TIMEOUT" ]; then
        squeue >&2 || true
        show_logs
        fail "the jobs did not finish within $TIMEOUT s"
    fi
done
say "jobs finished in $(($(date +%s) - started_at)) s"
bad=0
while read -r id name task state code; do
    [ -n "$id" ] || continue
    if [ "$task" = - ]; then
        say "job $id ($name): $state, exit code $code"
    else
        say "job $id (array $array_job, task $task, $name): $state, exit code $code"
    fi
    [ "$state" = COMPLETED ] || bad=1
done <<<"$(jobs | sort -n)"
[ -n "$merge_job" ] || { show_logs; fail "the array's first task did not submit the merge"; }
[ "$bad" = 0 ] || { show_logs; fail "a job did not complete"; }

name="$(ls "$REPORTS")"
[ -n "$name" ] && [ -f "$REPORTS/$name/run.toml" ] || { show_logs; fail "the merge wrote no report in $REPORTS"; }
say "merged report: $(find "$REPORTS/$name" -type f | wc -l) files in reports/$name"
say "merge job's output: $(head -n 1 "caseflow-$merge_job-merge.out")"
say "shards: $(cd "$SHARDS"/*-shards && ls -- *.parquet | tr '\n' ' ')"

# --- The single run, and the comparison ---------------------------------
if [ "$SINGLE" = 1 ]; then
    single_started=$(date +%s)
    caseflow run "$SCENARIO" --replications "$REPLICATIONS" --seed "$SEED" --out "$WORK/single" --quiet
    say "single run on this machine: $(($(date +%s) - single_started)) s"
    diff -r "$WORK/single/$name" "$REPORTS/$name" || fail "the merged report differs from the single run's"
    say "merge found identical: diff -r of the single run's report and the merged one finds no difference"
fi
say "passed"
