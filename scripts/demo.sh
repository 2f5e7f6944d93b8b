#!/usr/bin/env bash
# make demo: build the provider, start the bundled Graph mock on loopback, apply
# examples/demo with a throwaway dev_overrides CLI config, show what Graph recorded,
# destroy, and clean up.
# make demo-hr (scripts/demo.sh hr): the same for examples/hr-onboarding, with the mock
# pre-seeded with certifications that already exist (a twin among them), the plan of
# exclusive = true, and a row removed from the CSV.
set -euo pipefail
SCENARIO=${1:-main}
cd "$(dirname "$0")/.."
ROOT="$PWD"
TOOLS="$ROOT/.tools"

scripts/tools.sh terraform
echo "==> building the provider and the Graph mock"
go build -o "$TOOLS/terraform-provider-graph" .
go build -o "$TOOLS/mockgraph" ./internal/cmd/mockgraph

WORK=$(mktemp -d)
. scripts/mock.sh
TOKEN="demo-token-$RANDOM$RANDOM"
SEED=()
[ "$SCENARIO" = hr ] && SEED=(-seed examples/hr-onboarding/mock-seed.json)
start_mock "$TOOLS/mockgraph" "$TOKEN" "${SEED[@]}"
echo "==> Graph mock listening on $URL"

cat >"$WORK/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/graphprofile/graph" = "$TOOLS"
  }
  direct {}
}
RC
mkdir "$WORK/config"
if [ "$SCENARIO" = hr ]; then
  cp examples/hr-onboarding/main.tf examples/hr-onboarding/certifications.csv "$WORK/config/"
else
  cp examples/demo/*.tf "$WORK/config/"
fi

export TF_CLI_CONFIG_FILE="$WORK/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export GRAPH_ENDPOINT="$URL" GRAPH_ACCESS_TOKEN="$TOKEN"
COLOR=()
[ -t 1 ] || COLOR=(-no-color)
tf() { local cmd=$1; shift; "$TOOLS/terraform" -chdir="$WORK/config" "$cmd" "${COLOR[@]}" "$@"; }

if [ "$SCENARIO" = hr ]; then
  echo "==> the mock starts with certifications that already exist (examples/hr-onboarding/mock-seed.json):"
  echo "    two of the CSV's rows, one of them twice (a twin), and one the CSV does not name"
  echo "==> terraform apply: one graph_person_certifications adopts what exists and creates the rest;"
  echo "    the warning names the adopted certification and its twin, which is left alone"
  # Warnings in full here: the adoption warning's detail names the ids.
  tf apply -auto-approve -input=false
  echo "==> a second plan is empty"
  tf plan -detailed-exitcode -input=false -compact-warnings >/dev/null && echo "no changes"
  echo "==> with exclusive = true, the plan lists what it would delete (exclusive_deletions); not applied"
  echo "    (two deletions: more than the default limit, so max_deletions allows them)"
  tf plan -input=false -compact-warnings -var exclusive=true -var max_deletions=2
  echo "==> a row leaves the CSV (alex.wilber's PRINCE2): exactly that certification is deleted"
  grep -v '^alex.wilber@contoso.example,PRINCE2' "$WORK/config/certifications.csv" >"$WORK/csv" && mv "$WORK/csv" "$WORK/config/certifications.csv"
  tf apply -auto-approve -input=false -compact-warnings
  echo "==> terraform destroy: the managed certifications go; the twin and the unnamed one stay"
  tf destroy -auto-approve -input=false -compact-warnings
  echo "==> what Graph still holds, read with the graph_person_certifications data source"
  mkdir "$WORK/left"
  cat >"$WORK/left/main.tf" <<'TF'
terraform {
  required_providers {
    graph = { source = "graphprofile/graph" }
  }
}
data "graph_person_certifications" "left" {
  for_each = toset(["adele.vance@contoso.example", "megan.bowen@contoso.example", "alex.wilber@contoso.example", "lynne.robbins@contoso.example"])
  user_id  = each.key
}
output "left" {
  value = join("\n", flatten([for u, d in data.graph_person_certifications.left : [for c in d.certifications : "  ${u}: ${c.display_name} (${c.certification_id})"]]))
}
TF
  "$TOOLS/terraform" -chdir="$WORK/left" apply -auto-approve -input=false -compact-warnings "${COLOR[@]}" >/dev/null
  "$TOOLS/terraform" -chdir="$WORK/left" output -raw left
  echo
  echo "==> demo finished; the mock is stopped and the working folder removed"
  exit 0
fi

echo "==> terraform apply"
tf apply -auto-approve -input=false -compact-warnings
echo "==> what Graph recorded (ids and timestamps)"
# The configuration formats the table itself (output "recorded"), so the demo needs nothing
# beyond Go, make and the Terraform CLI.
"$TOOLS/terraform" -chdir="$WORK/config" output -raw recorded
echo
echo "==> a second plan is empty"
tf plan -detailed-exitcode -input=false -compact-warnings >/dev/null && echo "no changes"
echo "==> terraform destroy"
tf destroy -auto-approve -input=false -compact-warnings
echo "==> demo finished; the mock is stopped and the working folder removed"
