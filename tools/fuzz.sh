#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang into build/fuzz and runs
# each in turn for SECONDS on its own copy of the seed corpus in
# fuzz/corpus/<target>/ (build/fuzz/runs/<target>/corpus, kept and grown from
# run to run; the committed seeds never change).
#
# Usage: tools/fuzz.sh [SECONDS] [TARGET...]
#   SECONDS  how long each target runs (default 60)
#   TARGET   run only these, e.g. fuzz_panelline (default: all of fuzz/)
# Exits non-zero when the build fails or any target finds a crash, a failed
# invariant, a sanitizer report, a leak, a hang or runaway memory; it says
# which target found what and where its reproducer is.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/common.sh
. "$repo/tools/common.sh"
build="$repo/build/fuzz"

log() { printf 'fuzz: %s\n' "$*"; }

seconds=60
targets=()
for arg in "$@"; do
    case "$arg" in
        -h|--help) sed -n '7,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *)
            if [[ "$arg" =~ ^[0-9]+$ ]]; then
                seconds=$arg
            elif [ -f "$repo/fuzz/$arg.cpp" ]; then
                targets+=("$arg")
            else
                echo "fuzz: unknown argument $arg (SECONDS or a target in fuzz/)" >&2
                exit 2
            fi
            ;;
    esac
done
if [ ${#targets[@]} -eq 0 ]; then
    for source in "$repo"/fuzz/fuzz_*.cpp; do
        targets+=("$(basename "$source" .cpp)")
    done
fi

install_missing "${build_packages[@]}" "${fuzz_packages[@]}"

log "building ${targets[*]} into $build"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DPANEL_BUILD_FUZZERS=ON \
    -DBUILD_TESTING=OFF -DPANEL_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target "${targets[@]}"

# A sanitizer report ends the run with a reproducer, like a crash does.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

results=()
failed=0
for target in "${targets[@]}"; do
    work="$build/runs/$target"
    mkdir -p "$work/corpus" "$work/artifacts"
    for seed in "$repo/fuzz/corpus/$target"/*; do
        [ -e "$work/corpus/$(basename "$seed")" ] || cp "$seed" "$work/corpus/"
    done
    rm -f "$work/artifacts/"*
    options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
             -artifact_prefix="$work/artifacts/")
    [ ! -f "$repo/fuzz/$target.dict" ] || options+=(-dict="$repo/fuzz/$target.dict")

    log "$target: ${seconds} s, log in $work/log"
    status=0
    "$build/$target" "${options[@]}" "$work/corpus" >"$work/log" 2>&1 || status=$?

    # libFuzzer's last status line: "#runs DONE cov: … ft: … corp: n/size … exec/s: …".
    figures=$(grep -E '^#[0-9]+' "$work/log" | tail -n1 | sed -E 's/[[:space:]]+/ /g' || true)
    findings=()
    for artifact in "$work/artifacts"/*; do
        [ -e "$artifact" ] || continue
        case "$(basename "$artifact")" in
            slow-unit-*) ;; # slow, but within the timeout
            *) findings+=("$artifact") ;;
        esac
    done
    if [ "$status" -eq 0 ] && [ ${#findings[@]} -eq 0 ]; then
        results+=("PASS  $target: $figures")
        continue
    fi
    failed=1
    echo "---- $target: end of $work/log ----"
    tail -n 60 "$work/log"
    what=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant violated|ParseDictionaryFile' \
               "$work/log" || echo "exit status $status")
    results+=("FAIL  $target: $what")
    for artifact in "${findings[@]}"; do
        results+=("      reproducer: $artifact" "      run again:  $build/$target $artifact")
    done
done

printf '\n==================== fuzz summary (%s s each) ====================\n' "$seconds"
printf '%s\n' "${results[@]}"
if [ "$failed" -eq 0 ]; then log "nothing found"; else log "FOUND something"; fi
exit "$failed"
