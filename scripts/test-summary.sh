#!/usr/bin/env bash
# test-summary.sh LOG_DIR: adds up the counts in the logs `make test` wrote and prints one table and
# a closing `total: N passed, N failed` line. A log that is missing means the phase did not run.
set -euo pipefail
dir=${1:?usage: test-summary.sh LOG_DIR}

# cargo test and wasm-bindgen-test-runner: "test result: ok. 3 passed; 0 failed; 1 ignored; ..."
cargo_counts() {
  awk '/^test result:/ {
         for (i = 2; i <= NF; i++) {
           if ($i == "passed;") p += $(i - 1)
           if ($i == "failed;") f += $(i - 1)
           if ($i == "ignored;") s += $(i - 1)
         }
         n++
       }
       END { printf "%d %d %d %d\n", p, f, s, n }' "$1"
}

# node --test (TAP reporter): "# pass 3", "# fail 0", "# skipped 0", "# todo 0", "# cancelled 0"
node_counts() {
  awk '/^# pass / { p += $3 } /^# fail / { f += $3 } /^# cancelled / { f += $3 }
       /^# skipped / { s += $3 } /^# todo / { s += $3 } /^# tests / { n++ }
       END { printf "%d %d %d %d\n", p, f, s, n }' "$1"
}

total_pass=0
total_fail=0
echo
echo "test summary"
row() {
  local label=$1 kind=$2 file=$dir/$3 p f s n
  if [ ! -f "$file" ]; then
    printf '  %-34s %s\n' "$label" "not run (${4:-no tests})"
    return
  fi
  read -r p f s n < <("$kind" "$file")
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  printf '  %-34s %d passed, %d failed, %d skipped or ignored\n' "$label" "$p" "$f" "$s"
}
row "native (cargo test, doctests)" cargo_counts native.log
row "tooling: fixture server (node --test)" node_counts tooling.log
row "wasm-bindgen-test in Chromium" cargo_counts chrome.log
row "wasm-bindgen-test in Firefox" cargo_counts firefox.log
row "e2e (node --test e2e/)" node_counts e2e.log "no test files in e2e/"
row "consumers (node --test consumers/)" node_counts consumers.log
if [ -f "$dir/types.log" ]; then
  printf '  %-34s %s\n' "TypeScript types (tsc -p)" "$(cat "$dir/types.log")"
else
  printf '  %-34s %s\n' "TypeScript types (tsc -p)" "not run (no tests/types/)"
fi
echo "total: $total_pass passed, $total_fail failed"
