#!/usr/bin/env bash
# Traces where a press's time goes, with the kernel's scheduler tracer: runs
# panel-bench's latency1 scenario (one client, a press every 20 ms) against a
# gateway while "perf sched record" records every wake-up and context switch
# on the machine, then prints, per thread of the gateway and of the bench:
# wake-ups, the scheduling delay (woken -> running: the CPU's own wake-up,
# another task in the way) and the CPU used per wake-up, each as median, p99
# and max, and the slowest wake-ups with what ran on that CPU just before.
# The bench's own figures come first, so a tail in them can be matched with
# a delay in the trace (docs/latency.md, "Tracing a press").
#
# Usage: tools/trace-press.sh [--server 'CMD'] [--presses N] [BUILD_DIR]
#   --server 'CMD'  another gateway, with panel-bench's placeholders ({pty},
#                   {port}, {media}, {count}); default: BUILD_DIR's gateway
#   --presses N     presses (default 500)
#   BUILD_DIR       where panel-bench and selection-panel are (default: build)
# Needs root (perf's tracepoints) and Debian's linux-perf (installed when
# missing). Leaves its files in a temporary folder it names.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/common.sh
. "$repo/tools/common.sh"
log() { printf 'trace-press: %s\n' "$*"; }
die() { printf 'trace-press: %s\n' "$*" >&2; exit 1; }

server=() presses=500 build="$repo/build"
while [ $# -gt 0 ]; do
    case "$1" in
        --server) server=(--server "$2"); shift 2 ;;
        --presses) presses=$2; shift 2 ;;
        -h|--help) sed -n '12,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) build=$1; shift ;;
    esac
done
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
bench="$build/panel-bench"
[ -x "$bench" ] || die "no $bench: build the project first"
command -v perf >/dev/null || install_missing linux-perf
command -v perf >/dev/null || die "perf is not installed (Debian: linux-perf)"

work=$(mktemp -d /tmp/trace-press.XXXXXX)
log "files in $work"
"$bench" --scenario latency1 --presses "$presses" --interval 20 \
    ${server[@]+"${server[@]}"} --gateway "$build/selection-panel" >"$work/bench.txt" 2>&1 &
bench_pid=$!
# The gateway is the bench's child; trace from its first press to its last.
gateway_pid=''
for _ in $(seq 100); do
    gateway_pid=$(pgrep -P "$bench_pid" | head -n1 || true)
    [ -z "$gateway_pid" ] || break
    sleep 0.1
done
[ -n "$gateway_pid" ] || die "the bench started no gateway"
perf sched record -a -o "$work/sched.data" -- sleep $((presses * 20 / 1000 + 2)) \
    >"$work/perf.txt" 2>&1
wait "$bench_pid" || log "panel-bench exited with $? (see $work/bench.txt)"
sed -n '/^latency1/,/^  machine/p' "$work/bench.txt"

perf script -i "$work/sched.data" -F comm,pid,tid,cpu,time,event,trace \
    >"$work/sched.txt" 2>/dev/null
python3 - "$work/sched.txt" "$gateway_pid" "$bench_pid" <<'EOF'
# Per thread: woken (sched_waking) -> switched in (delay), switched in ->
# switched out asleep (CPU, from sched_stat_runtime).
import re, sys
path, gateway, bench = sys.argv[1], sys.argv[2], sys.argv[3]
line_re = re.compile(r'^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s*(.*)$')
field = lambda text, name: re.search(name + r'=(\S+)', text).group(1)
woken, running, cpu_ns, delays, runs, last_on_cpu, slow = {}, {}, {}, {}, {}, {}, []
threads = {}
for line in open(path, errors='replace'):
    m = line_re.match(line)
    if not m:
        continue
    comm, pid, tid, cpu, t, event, rest = m.groups()
    t = float(t)
    if event == 'sched_waking':
        wtid = field(rest, 'pid')
        if wtid not in running:  # a running task woken again stays running
            woken.setdefault(wtid, t)
    elif event == 'sched_stat_runtime':
        wtid = field(rest, 'pid')
        cpu_ns[wtid] = cpu_ns.get(wtid, 0) + int(field(rest, 'runtime'))
    elif event == 'sched_switch':
        prev, nxt = field(rest, 'prev_pid'), field(rest, 'next_pid')
        asleep = field(rest, 'prev_state')[0] in 'SD'
        if prev in running and asleep:
            runs.setdefault(prev, []).append(cpu_ns.pop(prev, 0) / 1e6)
            del running[prev]
        if asleep:
            woken.pop(prev, None)
        if nxt in woken:
            delay = (t - woken.pop(nxt)) * 1e3
            delays.setdefault(nxt, []).append(delay)
            slow.append((delay, t, nxt, cpu, last_on_cpu.get(cpu, '?')))
            running[nxt] = True
        last_on_cpu[cpu] = field(rest, 'prev_comm')
    if pid in (gateway, bench):
        threads[tid] = (pid, comm)

def stats(values):
    v = sorted(values)
    return (v[len(v) // 2], v[min(len(v) - 1, int(len(v) * 0.99))], v[-1]) if v else (0, 0, 0)

print('\n%-26s %8s %26s %26s' % ('thread', 'wake-ups', 'delay ms p50 / p99 / max', 'CPU ms p50 / p99 / max'))
for tid, (pid, comm) in sorted(threads.items(), key=lambda kv: (kv[1][0] != gateway, kv[0])):
    who = ('gateway ' if pid == gateway else 'bench ') + comm.strip()
    d, r = stats(delays.get(tid, [])), stats(runs.get(tid, []))
    print('%-26s %8d %26s %26s' % (who[:26], len(delays.get(tid, [])),
          '%.3f / %.3f / %.3f' % d, '%.3f / %.3f / %.3f' % r))
print('\nslowest wake-ups of these threads (ms, time, thread, cpu, what ran there before):')
ours = [s for s in slow if s[2] in threads]
for delay, t, tid, cpu, before in sorted(ours, reverse=True)[:8]:
    print('  %7.3f  %.6f  %-22s cpu %s after %s' % (delay, t, threads[tid][1].strip()[:22], cpu, before))
EOF
