# Sourced by scripts that run the Graph mock as a process of its own (demo.sh,
# tenant-mode-check.sh). start_mock BINARY TOKEN [FLAGS...] starts it on a loopback port in
# the folder $WORK, waits for its address and sets URL; the EXIT trap it installs stops it
# and removes $WORK.
MOCK_PID=""
stop_mock() {
  [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null && wait "$MOCK_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap stop_mock EXIT

start_mock() {
  local bin=$1 token=$2; shift 2
  "$bin" -listen 127.0.0.1:0 -url-file "$WORK/url" -token "$token" -quiet "$@" >"$WORK/mock.log" 2>&1 &
  MOCK_PID=$!
  for _ in $(seq 1 100); do [ -s "$WORK/url" ] && break; sleep 0.1; done
  [ -s "$WORK/url" ] || { cat "$WORK/mock.log" >&2; echo "the Graph mock did not start" >&2; exit 1; }
  URL=$(cat "$WORK/url")
}
