#!/usr/bin/env bash
# Installs the pinned CLIs into .tools/ when they are missing, or when the binary there is
# another version. Run by the make targets.
# Usage: scripts/tools.sh terraform|terraform_oldest|tofu|tfplugindocs|golangci_lint|goreleaser ...
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="$PWD/.tools"
# TERRAFORM_VERSION is the CLI of make test; TERRAFORM_OLDEST_VERSION the oldest one supported,
# installed as .tools/terraform-<version> (make test-terraform-1.5 names that path).
TERRAFORM_VERSION=1.16.4
TERRAFORM_OLDEST_VERSION=1.5.7
TOFU_VERSION=1.12.6
TFPLUGINDOCS_VERSION=0.25.0
GOLANGCI_LINT_VERSION=2.15.0
GORELEASER_VERSION=2.16.0
ACTIONLINT_VERSION=1.7.9
mkdir -p "$TOOLS"

# One scratch directory for the builds, removed however the script ends.
scratch=""
trap '[ -z "$scratch" ] || rm -rf "$scratch"' EXIT
make_scratch() { [ -n "$scratch" ] || scratch=$(mktemp -d "${TMPDIR:-/tmp}/graph-tools.XXXXXX"); }

fail() { echo "scripts/tools.sh: $*" >&2; exit 1; }

# terraform_is BIN VERSION: BIN exists and reports exactly VERSION (no prerelease suffix).
# grep reads a captured string: with pipefail, `cli | grep -q` fails when grep exits first.
terraform_is() {
  [ -x "$1" ] && grep -Eq "\"terraform_version\": *\"$2\"" <<<"$("$1" version -json 2>/dev/null)"
}

# module_dir MODULE@VERSION: downloads a module and prints its directory in the module cache.
module_dir() {
  local dir
  dir=$(go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || fail "could not download $1"
  printf '%s\n' "$dir"
}

# Terraform 1.6 and later cannot be built with `go install`: their go.mod replaces the
# remote-state backends with nested modules (and internal/legacy), which the module zip
# leaves out. So the module is copied, the nine backends that live in nested modules are
# unregistered (local, remote, http, inmem and cloud stay), the nested modules are dropped
# from go.mod, and the copy is built. A configuration naming a removed backend gets
# Terraform's own "unsupported backend" error; the tests use the local backend.
install_terraform() {
  local v=$TERRAFORM_VERSION
  if terraform_is "$TOOLS/terraform" "$v"; then return; fi
  echo "building Terraform CLI v$v from source into .tools/ (a minute or two on a warm cache)" >&2
  local src dir init m edits=()
  src=$(module_dir "github.com/hashicorp/terraform@v$v")
  make_scratch
  dir="$scratch/terraform-$v"
  rm -rf "$dir"
  { cp -r "$src" "$dir" && chmod -R u+w "$dir"; } || fail "could not copy $src to a scratch directory"
  init="$dir/internal/backend/init/init.go"
  # Deletes each removed backend's import (`backendS3 "..."`) and registration (`backendS3.New()`).
  sed -E '/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[ .]/d' "$init" >"$init.new" && mv "$init.new" "$init" ||
    fail "could not edit $init"
  if grep -Eq 'internal/backend/remote-state/(azure|consul|cos|gcs|kubernetes|oss|pg|s3|oci)"' "$init" ||
    ! grep -q 'backendLocal.New()' "$init"; then
    fail "internal/backend/init/init.go of Terraform v$v is not as expected; update the edit in install_terraform"
  fi
  for m in backend/remote-state/azure backend/remote-state/consul backend/remote-state/cos \
    backend/remote-state/gcs backend/remote-state/kubernetes backend/remote-state/oss \
    backend/remote-state/pg backend/remote-state/s3 backend/remote-state/oci legacy; do
    edits+=("-droprequire=github.com/hashicorp/terraform/internal/$m" "-dropreplace=github.com/hashicorp/terraform/internal/$m")
  done
  (cd "$dir" && GOWORK=off go mod edit "${edits[@]}") || fail "go mod edit failed in the copy of Terraform v$v"
  # version.dev=no: without it the binary calls itself v$v-dev.
  (cd "$dir" && GOWORK=off GOFLAGS=-buildvcs=false go build -trimpath \
    -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$scratch/terraform" .) ||
    fail "building Terraform v$v failed (see the compiler's errors above)"
  terraform_is "$scratch/terraform" "$v" ||
    fail "the Terraform just built does not report version $v: $("$scratch/terraform" version 2>&1 | head -1)"
  mv -f "$scratch/terraform" "$TOOLS/terraform"
}

# The oldest supported Terraform; releases before 1.6 still build with `go install`.
install_terraform_oldest() {
  local v=$TERRAFORM_OLDEST_VERSION
  if terraform_is "$TOOLS/terraform-$v" "$v"; then return; fi
  echo "installing Terraform CLI v$v into .tools/terraform-$v (go install; a few minutes on a cold cache)" >&2
  make_scratch
  GOBIN="$scratch/bin" GOFLAGS=-buildvcs=false go install "github.com/hashicorp/terraform@v$v" ||
    fail "go install github.com/hashicorp/terraform@v$v failed"
  terraform_is "$scratch/bin/terraform" "$v" ||
    fail "the Terraform just built does not report version $v: $("$scratch/bin/terraform" version 2>&1 | head -1)"
  mv -f "$scratch/bin/terraform" "$TOOLS/terraform-$v"
}

install_tofu() {
  if [ -x "$TOOLS/tofu" ] && grep -q "v$TOFU_VERSION" <<<"$("$TOOLS/tofu" version 2>/dev/null)"; then return; fi
  echo "building OpenTofu v$TOFU_VERSION into .tools/ (its go.mod has replace directives, so it builds from its module directory)" >&2
  local dir
  dir=$(module_dir "github.com/opentofu/opentofu@v$TOFU_VERSION")
  (cd "$dir" && GOFLAGS=-mod=mod go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$TOOLS/tofu" ./cmd/tofu)
}

install_tfplugindocs() {
  if [ -x "$TOOLS/tfplugindocs" ]; then return; fi
  echo "installing tfplugindocs v$TFPLUGINDOCS_VERSION into .tools/" >&2
  GOBIN="$TOOLS" go install "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v$TFPLUGINDOCS_VERSION"
}

install_golangci_lint() {
  if [ -x "$TOOLS/golangci-lint" ] && grep -q "version v\?$GOLANGCI_LINT_VERSION " <<<"$("$TOOLS/golangci-lint" version 2>/dev/null)"; then return; fi
  echo "installing golangci-lint v$GOLANGCI_LINT_VERSION into .tools/ (go install; a few minutes on a cold cache)" >&2
  GOBIN="$TOOLS" go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$GOLANGCI_LINT_VERSION"
}

# goreleaser: v2.16.0 is the newest release that builds here (v2.17.0 needs a module the proxy
# does not serve, v2.18 needs Go 1.27).
install_goreleaser() {
  if [ -x "$TOOLS/goreleaser" ] && grep -q "v$GORELEASER_VERSION\$" <<<"$("$TOOLS/goreleaser" --version 2>/dev/null | sed -n 's/^GitVersion:[[:space:]]*//p')"; then return; fi
  echo "installing goreleaser v$GORELEASER_VERSION into .tools/ (go install; about 3 minutes on a cold cache)" >&2
  GOBIN="$TOOLS" go install "github.com/goreleaser/goreleaser/v2@v$GORELEASER_VERSION"
}

install_actionlint() {
  if [ -x "$TOOLS/actionlint" ] && grep -q "^v$ACTIONLINT_VERSION\$" <<<"$("$TOOLS/actionlint" -version 2>/dev/null | head -1)"; then return; fi
  echo "installing actionlint v$ACTIONLINT_VERSION into .tools/ (go install)" >&2
  GOBIN="$TOOLS" go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
}

for t in "$@"; do "install_$t"; done
