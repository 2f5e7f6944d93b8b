#!/usr/bin/env bash
# Installs the pinned CLIs into .tools/ when they are missing. Sourced by the make targets.
# Usage: scripts/tools.sh terraform|tofu|tfplugindocs|golangci_lint|goreleaser ...
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="$PWD/.tools"
TERRAFORM_VERSION=1.8.5
TOFU_VERSION=1.12.6
TFPLUGINDOCS_VERSION=0.25.0
GOLANGCI_LINT_VERSION=2.15.0
GORELEASER_VERSION=2.16.0
mkdir -p "$TOOLS"

install_terraform() {
  # grep reads a captured string: with pipefail, `cli | grep -q` fails when grep exits first.
  if [ -x "$TOOLS/terraform" ] && grep -q "\"$TERRAFORM_VERSION" <<<"$("$TOOLS/terraform" version -json 2>/dev/null)"; then return; fi
  echo "installing Terraform CLI v$TERRAFORM_VERSION into .tools/ (go install; a few minutes on a cold cache)" >&2
  GOBIN="$TOOLS" GOFLAGS=-buildvcs=false go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
}

install_tofu() {
  if [ -x "$TOOLS/tofu" ] && grep -q "v$TOFU_VERSION" <<<"$("$TOOLS/tofu" version 2>/dev/null)"; then return; fi
  echo "building OpenTofu v$TOFU_VERSION into .tools/ (its go.mod has replace directives, so it builds from its module directory)" >&2
  local dir
  dir=$(go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "could not download github.com/opentofu/opentofu@v$TOFU_VERSION" >&2; exit 1; }
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

for t in "$@"; do "install_$t"; done
