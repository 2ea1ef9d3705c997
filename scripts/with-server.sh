#!/usr/bin/env bash
# with-server.sh CMD [ARGS...]
#
# Starts the fixture server (scripts/serve.mjs) in the background, waits until all its origins
# answer, runs CMD, and always stops the server again (on success, failure or Ctrl-C). Exits with
# CMD's status. Server options come from $SERVE_ARGS (e.g. SERVE_ARGS="--host 127.0.0.1:9710").
#
# If this same checkout is already being served on those origins (say `make demo` runs in another
# terminal), that server is used as it is and left running. A port held by anything else is an
# error: the tests would talk to the wrong server.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 64
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
serve=("node" "$root/scripts/serve.mjs")
# shellcheck disable=SC2206  # word splitting of SERVE_ARGS is intended
serve_args=(${SERVE_ARGS:-})

state=0
"${serve[@]}" "${serve_args[@]}" --probe >/dev/null || state=$?
case $state in
  0)
    echo "with-server: fixture server for $root already running; using it"
    exec "$@"
    ;;
  1) ;;
  *)
    echo "with-server: a fixture port is held by another program or another checkout:" >&2
    "${serve[@]}" "${serve_args[@]}" --probe >&2 || true
    echo "with-server: stop it, or choose other ports with SERVE_ARGS" >&2
    exit 1
    ;;
esac

log_dir="$root/target/fixture-server"
mkdir -p "$log_dir"
log="$log_dir/server.log"

"${serve[@]}" "${serve_args[@]}" >"$log" 2>&1 &
server_pid=$!

stop_server() {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || true
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! "${serve[@]}" "${serve_args[@]}" --wait 20; then
  echo "with-server: the fixture server did not come up; its log:" >&2
  cat "$log" >&2
  exit 1
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "with-server: the fixture server exited; its log:" >&2
  cat "$log" >&2
  exit 1
fi
sed -n '1,/Ctrl-C/p' "$log"

status=0
"$@" || status=$?
exit "$status"
