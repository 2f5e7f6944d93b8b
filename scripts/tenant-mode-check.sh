#!/usr/bin/env bash
# make test-tenant-mode: runs the acceptance tests in real-tenant mode (GRAPH_ACC_REAL_TENANT=1)
# against the bundled Graph mock served as a separate process, standing in for a tenant:
# the provider finds it only through GRAPH_ENDPOINT and GRAPH_ACCESS_TOKEN, as it would find
# Microsoft Graph. It proves the mode works: the tests that need the mock's hooks skip, the
# others pass. (TestSweeper_deletesOnlyPrefixed covers the sweeper in make test.)
# Against a real tenant, run the same go test lines with ARM_* (or GRAPH_ACCESS_TOKEN) set and
# GRAPH_ENDPOINT unset.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="$PWD/.tools"
WORK=$(mktemp -d)
. scripts/mock.sh
go build -o "$WORK/mockgraph" ./internal/cmd/mockgraph
TOKEN="tenant-mode-$RANDOM$RANDOM"
start_mock "$WORK/mockgraph" "$TOKEN"
export GRAPH_ENDPOINT="$URL" GRAPH_ACCESS_TOKEN="$TOKEN" GRAPH_ACC_REAL_TENANT=1 TF_ACC=1
export TF_ACC_TERRAFORM_PATH="$TOOLS/terraform"

echo "==> acceptance tests in real-tenant mode against $URL"
go test -count=1 -v -run '^TestAcc' ./internal/personcertification/ ./internal/personcertifications/ >"$WORK/test.log" 2>&1 || {
  tail -100 "$WORK/test.log" >&2
  exit 1
}
grep -E -- '^--- (PASS|FAIL|SKIP)' "$WORK/test.log"
grep -q -- '^--- PASS: TestAccPersonCertification_lifecycle' "$WORK/test.log" || {
  echo "TestAccPersonCertification_lifecycle did not run in real-tenant mode" >&2
  exit 1
}
echo "==> then: go test ./internal/personcertification/ -run xxx -sweep=tenant"
go test -count=1 -run xxx ./internal/personcertification/ -sweep=tenant
