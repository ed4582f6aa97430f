#!/usr/bin/env bash
# Installs what the tests need, builds into build/ with CMake (and the qmake
# project into build/qmake), runs every test (the browser test included), then
# every test but the browser test again built with AddressSanitizer and UBSan
# (build/asan), then each fuzzer for 20 s (tools/fuzz.sh, build/fuzz), then
# the Debian packages installed under a booted systemd, and then the Qt 6.8
# check in a Debian trixie root.
#
# Usage: tools/run-tests.sh [--host-only]
#   --host-only   skip the packages and Qt 6.8 stages (quick local runs)
# Exits non-zero when any stage fails. Run as root or with sudo available.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/common.sh
. "$repo/tools/common.sh"
build="$repo/build"
host_only=0

for arg in "$@"; do
    case "$arg" in
        --host-only) host_only=1 ;;
        -h|--help) sed -n '9,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-tests: unknown option $arg" >&2; exit 2 ;;
    esac
done

export DEBIAN_FRONTEND=noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# Everything is also written to build/run-tests.log, so that the summary can
# repeat why a stage failed: CI often keeps only the last lines of a run.
mkdir -p "$build"
run_log="$build/run-tests.log"
: > "$run_log"
exec > >(tee -a "$run_log") 2>&1

results=()
failed=0
failed_stages=()
stage_titles=()
stage_start=$SECONDS
stage_title=''
banner() {
    stage_start=$SECONDS
    stage_title="$*"
    stage_titles+=("$*")
    printf '\n==================== %s ====================\n' "$*"
}
finish() { # finish NAME STATUS
    local took=$((SECONDS - stage_start))
    if [ "$2" -eq 0 ]; then
        results+=("PASS  $1 (${took} s)")
    else
        results+=("FAIL  $1 (${took} s, exit $2)")
        failed_stages+=("$stage_title")
        failed=1
    fi
}
stage_output() { # stage_output TITLE: what the stage with that banner printed
    local i next=''
    for i in "${!stage_titles[@]}"; do
        [ "${stage_titles[$i]}" != "$1" ] || next=${stage_titles[$((i + 1))]:-}
    done
    awk -v head="==================== $1 ====================" \
        -v tail="==================== $next ====================" '
        $0 == head { inside = 1; next }
        inside && $0 == tail { exit }
        inside' "$run_log"
}
summary() {
    local title
    printf '\n==================== summary ====================\n'
    printf '%s\n' "${results[@]}"
    # Last, where a short tail of the output still shows it: why.
    for title in "${failed_stages[@]}"; do
        printf -- '-- "%s": the lines that name a failure, then the last ones\n' "$title"
        stage_output "$title" | grep -E 'FAIL|[Ee]rror|[Ff]ailed' | head -n 8 || true
        echo '   ...'
        stage_output "$title" | tail -n 8
    done
    if [ "$failed" -eq 0 ]; then echo "run-tests: all stages passed"; else echo "run-tests: FAILED"; fi
}

# --- 1. packages --------------------------------------------------------
banner "packages"
packages=("${test_packages[@]}" "${fuzz_packages[@]}")
[ "$host_only" -eq 1 ] || packages+=(debootstrap)
# Node may come from elsewhere (e.g. NodeSource, which bundles npm).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if [ -z "$(missing_packages "${packages[@]}")" ]; then
    echo "all present"
elif ! install_missing "${packages[@]}"; then
    finish "packages" 1
    summary
    exit 1
fi
finish "packages" 0

# --- 2. browser test dependencies ---------------------------------------
browser="$repo/autotests/browser"
if [ -f "$browser/package.json" ] && [ -f "$browser/package-lock.json" ]; then
    banner "npm ci (autotests/browser)"
    status=0
    (cd "$browser" && npm ci --no-audit --no-fund) || status=$?
    finish "npm ci" "$status"
fi

# --- 3. host build ------------------------------------------------------
banner "build (host, Qt $(dpkg-query -W -f '${Version}' qt6-base-dev 2>/dev/null || echo '?'))"
status=0
{ cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
  cmake --build "$build"; } || status=$?
finish "build (host)" "$status"
host_built=$status

# --- 4. qmake build -----------------------------------------------------
# Qt Creator users build selection-panel.pro: it must list the same sources
# as CMake, which a link failure or a different --version would show.
if [ "$status" -eq 0 ]; then
    banner "build with qmake (host)"
    qstatus=0
    qbuild="$build/qmake"
    { mkdir -p "$qbuild" &&
      (cd "$qbuild" && qmake6 "$repo/selection-panel.pro" && make -s -j"$(nproc)") &&
      cmake_version=$("$build/selection-panel" --version) &&
      qmake_version=$("$qbuild/selection-panel" --version) &&
      echo "qmake build: $qmake_version; CMake build: $cmake_version" &&
      [ "$qmake_version" = "$cmake_version" ]; } || qstatus=$?
    finish "build with qmake (host)" "$qstatus"
fi

# --- 5. host tests ------------------------------------------------------
if [ "$status" -eq 0 ]; then
    banner "ctest (host)"
    status=0
    ctest --test-dir "$build" --output-on-failure --no-tests=error || status=$?
    finish "ctest (host)" "$status"
fi

# --- 6. sanitizers ------------------------------------------------------
# The same tests built with g++'s AddressSanitizer and UBSan: the first report
# aborts the test program or the gateway it started (which inherits these
# options), and tst_gateway also fails on a report in the gateway's log.
# LeakSanitizer checks at every exit, with nothing suppressed: neither these
# programs nor Qt leave unreachable memory behind.
if [ "$host_built" -eq 0 ]; then
    banner "sanitizers (ASan + UBSan, build/asan)"
    status=0
    asan="$repo/build/asan"
    { cmake -S "$repo" -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPANEL_SANITIZE=ON \
            -DPANEL_BUILD_BENCH=OFF -DPANEL_BROWSER_TEST=OFF &&
      cmake --build "$asan" &&
      ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1 \
      UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
      ctest --test-dir "$asan" --output-on-failure --no-tests=error -LE browser; } || status=$?
    finish "sanitizers (build/asan)" "$status"
fi

# --- 7. fuzzers ---------------------------------------------------------
# Briefly, to keep them building and their seeds passing; longer runs by hand.
banner "fuzz (20 s per target, build/fuzz)"
status=0
"$repo/tools/fuzz.sh" 20 || status=$?
finish "fuzz" "$status"

# --- 8. packages under a booted systemd --------------------------------
# The Debian packages (the unit tests ran above: --nocheck), installed with
# apt into a freshly booted Debian root (tools/systemd-check.sh).
if [ "$host_only" -eq 0 ]; then
    banner "Debian packages and a booted systemd (systemd-nspawn)"
    status=0
    { "$repo/tools/package.sh" --nocheck && "$repo/tools/systemd-check.sh"; } || status=$?
    finish "packages under systemd" "$status"
fi

# --- 9. Qt 6.8 ----------------------------------------------------------
if [ "$host_only" -eq 0 ]; then
    banner "Qt 6.8 (Debian trixie root)"
    status=0
    "$repo/tools/qt68-check.sh" || status=$?
    finish "Qt 6.8 (trixie)" "$status"
fi

summary
exit "$failed"
