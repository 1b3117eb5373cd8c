#!/usr/bin/env bash
# Coverage-guided fuzzing of paraprint with libFuzzer, on the STABLE toolchain (see fuzz/README.md).
#
#   bash scripts/fuzz.sh TARGET SECONDS [JOBS]   build, write the seeds, fuzz TARGET for SECONDS
#   bash scripts/fuzz.sh all SECONDS [JOBS]      every target in turn, SECONDS each
#   bash scripts/fuzz.sh build                   build the fuzz targets only
#   bash scripts/fuzz.sh seeds                   (re)write the seed corpora only
#   bash scripts/fuzz.sh repro TARGET FILE...    run TARGET once on the given inputs
#   bash scripts/fuzz.sh minimize TARGET FILE [SECONDS]
#                                                shrink a crashing input (-minimize_crash=1) into
#                                                FILE.min (default 60 s)
#
# TARGET: message, plain, html, engine or date. JOBS > 1 runs that many libFuzzer processes at once
# (-jobs/-workers), each for SECONDS, their statistics summed.
#
# Environment: FUZZ_MAX_LEN (bytes, default 65536), FUZZ_TIMEOUT (seconds per input before it is
# a timeout finding, default 10), FUZZ_RSS_LIMIT_MB (default 2048), FUZZ_FLAGS (more libFuzzer
# flags, e.g. "-seed=1 -dict=x"), FUZZ_NO_BUILD=1 (run the targets already built, e.g. while the
# crate does not compile mid-edit), CXX (the C++ compiler libfuzzer-sys builds libFuzzer with).
#
# Everything it builds or writes stays under fuzz/: fuzz/target (cargo's output, apart from the
# main crate's target/), fuzz/corpus/TARGET (seeds from tests/fixtures, and what libFuzzer adds),
# fuzz/artifacts/TARGET (crash-*, timeout-*, oom-* inputs) and fuzz/logs. Crates come from the
# registry through cargo; nothing is installed anywhere else.
#
# Prints one summary line per target run (seconds: how long it ran; less than asked when libFuzzer
# stopped at a crash):
#   fuzz: target=T seconds=S executions=N exec_per_s=E cov=C ft=F crashes=a timeouts=b ooms=c
# and exits 1 when any run left a crash, timeout or OOM input (2 on a usage or build error).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FUZZ="$ROOT/fuzz"
TARGETS=(message plain html engine date)
MAX_LEN=${FUZZ_MAX_LEN:-65536}
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS_LIMIT_MB=${FUZZ_RSS_LIMIT_MB:-2048}
read -r -a EXTRA_FLAGS <<<"${FUZZ_FLAGS:-}"

# What cargo-fuzz passes for `cargo fuzz build` (minus -Zsanitizer=address, which is nightly
# only): SanitizerCoverage instrumentation for libFuzzer, all stable -C flags.
FUZZ_RUSTFLAGS="-Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares \
--cfg fuzzing -Cdebug-assertions -Coverflow-checks"

die() {
    echo "fuzz.sh: $*" >&2
    exit 2
}

usage() {
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

is_target() {
    local t
    for t in "${TARGETS[@]}"; do [[ $t == "$1" ]] && return 0; done
    return 1
}

preflight() {
    command -v cargo >/dev/null || die "cargo not found: install Rust (https://rustup.rs)"
    local cxx=${CXX:-}
    if [[ -n $cxx ]]; then
        command -v "$cxx" >/dev/null || die "CXX=$cxx not found"
    elif ! command -v g++ >/dev/null && ! command -v c++ >/dev/null; then
        die "no C++ compiler (g++) found: libfuzzer-sys compiles libFuzzer's C++ sources. Install one (Debian/Ubuntu: g++; Fedora: gcc-c++) or point CXX at it."
    fi
    # The stable toolchain, whatever rustup's default or a rust-toolchain file says: this set-up
    # must keep working without nightly.
    if command -v rustup >/dev/null; then
        export RUSTUP_TOOLCHAIN=${RUSTUP_TOOLCHAIN:-stable}
    fi
    unset RUSTC_BOOTSTRAP
    HOST=$(rustc -vV | sed -n 's/^host: //p')
    [[ -n $HOST ]] || die "cannot tell the host triple from rustc -vV"
    [[ $HOST == *linux* ]] || echo "fuzz.sh: warning: libFuzzer is only known to work on Linux (host $HOST)" >&2
    BIN_DIR="$FUZZ/target/$HOST/release"
}

build() {
    if [[ ${FUZZ_NO_BUILD:-} == 1 ]]; then
        echo "fuzz.sh: FUZZ_NO_BUILD=1: using the targets already in fuzz/target" >&2
        return
    fi
    echo "fuzz.sh: building the fuzz targets ($(rustc -V)) into fuzz/target" >&2
    # --target: RUSTFLAGS then apply to the targets only, not to build scripts and proc macros
    # (which are not linked with libFuzzer and could not resolve the coverage callbacks).
    (cd "$FUZZ" && RUSTFLAGS="$FUZZ_RUSTFLAGS" cargo build --release --bins \
        --target "$HOST" --target-dir "$FUZZ/target") || die "build failed"
}

seeds() {
    echo "fuzz.sh: writing seed corpora from tests/fixtures into fuzz/corpus" >&2
    (cd "$FUZZ/seeds" && env -u RUSTFLAGS cargo build --release --quiet \
        --target-dir "$FUZZ/target/seeds") || die "seed generator build failed"
    "$FUZZ/target/seeds/release/paraprint-fuzz-seeds" "$ROOT/tests/fixtures" "$FUZZ/corpus" \
        "$MAX_LEN" >&2 || die "seed generation failed"
}

count_artifacts() { # DIR KIND
    find "$1" -maxdepth 1 -type f -name "$2-*" 2>/dev/null | wc -l
}

# Fuzzes one target; prints the summary line; returns 1 when it left a finding.
run() {
    local target=$1 seconds=$2 jobs=$3
    local bin="$BIN_DIR/$target" corpus="$FUZZ/corpus/$target" art="$FUZZ/artifacts/$target"
    local logs="$FUZZ/logs/$target"
    [[ -x $bin ]] || die "$bin missing: build failed?"
    mkdir -p "$corpus" "$art" "$logs"
    local before_crash before_timeout before_oom
    before_crash=$(($(count_artifacts "$art" crash) + $(count_artifacts "$art" leak)))
    before_timeout=$(count_artifacts "$art" timeout)
    before_oom=$(count_artifacts "$art" oom)
    rm -f "$logs"/*.log
    touch "$logs/.start"
    local started=$SECONDS
    local flags=(
        -max_total_time="$seconds" -max_len="$MAX_LEN" -timeout="$TIMEOUT"
        -rss_limit_mb="$RSS_LIMIT_MB" -print_final_stats=1 -artifact_prefix="$art/"
        "${EXTRA_FLAGS[@]}"
    )
    echo "fuzz.sh: $target for ${seconds}s, $jobs job(s), logs in ${logs#"$ROOT"/}" >&2
    if ((jobs > 1)); then
        # Each job writes fuzz-N.log in the working directory.
        (cd "$logs" && "$bin" "$corpus" "${flags[@]}" -jobs="$jobs" -workers="$jobs") \
            >"$logs/main.log" 2>&1 || true
    else
        "$bin" "$corpus" "${flags[@]}" 2>&1 | tee "$logs/fuzz-0.log" |
            grep --line-buffered -E '(^#[0-9]+.*(NEW|REDUCE|pulse|DONE|INITED))|^#[0-9]+: cov|ERROR|panicked|^SUMMARY' >&2 || true
    fi
    local executions=0 exec_per_s=0 cov=0 ft=0 log n e line c f
    for log in "$logs"/fuzz-*.log; do
        [[ -f $log ]] || continue
        n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        e=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
        if [[ -z $n ]]; then
            # -fork=N (FUZZ_FLAGS) prints no final stats; its status lines count executions.
            line=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -1 || true)
            n=$(sed -n 's/^#\([0-9]*\):.*/\1/p' <<<"$line")
            e=$(sed -n 's/.* exec\/s: \([0-9]*\).*/\1/p' <<<"$line")
        fi
        executions=$((executions + ${n:-0}))
        exec_per_s=$((exec_per_s + ${e:-0}))
        line=$(grep -E 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
        c=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$line")
        f=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$line")
        ((${c:-0} > cov)) && cov=$c
        ((${f:-0} > ft)) && ft=$f
    done
    local crashes timeouts ooms
    crashes=$(($(count_artifacts "$art" crash) + $(count_artifacts "$art" leak) - before_crash))
    timeouts=$(($(count_artifacts "$art" timeout) - before_timeout))
    ooms=$(($(count_artifacts "$art" oom) - before_oom))
    if ((executions == 0)); then
        echo "fuzz.sh: $target: no final statistics in its log; last lines:" >&2
        tail -n 20 "$logs"/*.log >&2 || true
    fi
    echo "fuzz: target=$target seconds=$((SECONDS - started)) executions=$executions exec_per_s=$exec_per_s cov=$cov ft=$ft crashes=$crashes timeouts=$timeouts ooms=$ooms"
    if ((crashes + timeouts + ooms > 0)); then
        echo "fuzz.sh: $target: findings in ${art#"$ROOT"/}/:" >&2
        find "$art" -maxdepth 1 -type f -newer "$logs/.start" -printf '  %f\n' >&2 2>/dev/null || true
        grep -h -m1 -E 'panicked at|ERROR: libFuzzer' "$logs"/*.log >&2 || true
        return 1
    fi
    ((executions > 0)) || return 1
}

cmd=${1:-}
case $cmd in
"" | -h | --help | help) usage ;;
build)
    preflight
    build
    ;;
seeds)
    preflight
    seeds
    ;;
repro)
    [[ $# -ge 3 ]] && is_target "$2" || usage
    preflight
    build
    target=$2
    shift 2
    exec "$BIN_DIR/$target" -max_len="$MAX_LEN" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_LIMIT_MB" "$@"
    ;;
minimize)
    [[ $# -ge 3 ]] && is_target "$2" && [[ -f $3 ]] || usage
    preflight
    build
    # -minimize_crash keeps every smaller input that still crashes; the last one is the result.
    "$BIN_DIR/$2" "$3" -minimize_crash=1 -max_total_time="${4:-60}" -timeout="$TIMEOUT" \
        -rss_limit_mb="$RSS_LIMIT_MB" -exact_artifact_path="$3.min" "${EXTRA_FLAGS[@]}" || true
    [[ -f $3.min ]] || die "no smaller crashing input found (does $3 still crash?)"
    echo "fuzz.sh: minimized: $3.min ($(wc -c <"$3.min") bytes, from $(wc -c <"$3"))" >&2
    ;;
*)
    [[ $cmd == all ]] || is_target "$cmd" || usage
    seconds=${2:-}
    jobs=${3:-1}
    [[ $seconds =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a positive whole number"
    [[ $jobs =~ ^[1-9][0-9]*$ ]] || die "JOBS must be a positive whole number"
    preflight
    build
    seeds
    if [[ $cmd == all ]]; then
        selected=("${TARGETS[@]}")
    else
        selected=("$cmd")
    fi
    status=0
    summaries=()
    for target in "${selected[@]}"; do
        line=$(run "$target" "$seconds" "$jobs") || status=1
        summaries+=("$line")
        if ((${#selected[@]} > 1)); then echo "$line"; fi
    done
    if ((${#selected[@]} > 1)); then echo "---"; fi
    printf '%s\n' "${summaries[@]}"
    exit $status
    ;;
esac
