#!/usr/bin/env bash
# fuzz.sh [TARGET...]: runs each cargo-fuzz target in fuzz/ for $FUZZ_RUNS inputs (default one
# million) on the nightly toolchain, keeping each corpus in fuzz/corpus/TARGET, and prints a
# table of inputs run, time taken and corpus size. Stops at the first crash (libFuzzer leaves
# the input in fuzz/artifacts/TARGET/). `make fuzz` runs it after `scripts/setup.sh fuzz`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=${FUZZ_RUNS:-1000000}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(wire origin tokens host_session frame_session)
fi
logs=target/fuzz-logs
mkdir -p "$logs"

cargo +nightly fuzz build --release
summary=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  echo "==> cargo +nightly fuzz run $t -- -runs=$runs"
  start=$(date +%s)
  cargo +nightly fuzz run --release "$t" "fuzz/corpus/$t" -- \
    -runs="$runs" -max_len=4096 -rss_limit_mb=2048 -print_final_stats=1 2>&1 | tee "$logs/$t.log" | tail -n 4
  secs=$(( $(date +%s) - start ))
  done_line=$(grep -E '^Done [0-9]+ runs' "$logs/$t.log" | tail -n 1)
  execs=$(awk '/^Done [0-9]+ runs/ { print $2 }' <<<"$done_line")
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  summary+=("$(printf '  %-14s %10s inputs in %4s s, corpus %s' "$t" "${execs:-?}" "$secs" "$corpus")")
done
echo
echo "fuzz summary (FUZZ_RUNS=$runs)"
printf '%s\n' "${summary[@]}"
