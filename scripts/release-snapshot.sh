#!/usr/bin/env bash
# make release-snapshot: the release artefacts of .goreleaser.yml in dist/, built locally with
# goreleaser --snapshot: nothing is signed or published. Then checks what it made: the
# checksums, the zips' contents, and that the binary for this machine reports its version.
# SNAPSHOT_VERSION overrides the version (default 0.0.0-SNAPSHOT-<short commit>).
# Each target compiles the Graph SDK's models package again: about 4 minutes apiece on 2
# cores when the build cache is cold, seconds when it is warm.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="$PWD/.tools"
NAME=terraform-provider-graph

scripts/tools.sh goreleaser
sha=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
export SNAPSHOT_VERSION="${SNAPSHOT_VERSION:-0.0.0-SNAPSHOT-$sha}"
version=$SNAPSHOT_VERSION

echo "==> goreleaser release --snapshot ($version)"
"$TOOLS/goreleaser" release --snapshot --clean --skip=sign

# The SHA256SUMS list the manifest under its release name; a release uploads it, a snapshot
# leaves no copy in dist/. Put it there, so dist/ holds exactly what a release would publish.
cp terraform-registry-manifest.json "dist/${NAME}_${version}_manifest.json"

echo "==> verifying dist/"
# The zips are read by a small Go helper, so the script needs no python3 or unzip.
go build -o "$TOOLS/releasezip" ./internal/cmd/releasezip
sums="${NAME}_${version}_SHA256SUMS"
(cd dist && sha256sum -c "$sums")
zips=$(grep -c '\.zip$' "dist/$sums")
[ "$zips" -eq 7 ] || { echo "dist/$sums lists $zips zips, want 7" >&2; exit 1; }

printf '%-66s %10s %13s\n' "zip" "zip bytes" "binary bytes"
while read -r _ file; do
  case "$file" in *.zip) ;; *) continue ;; esac
  target=${file#"${NAME}_${version}_"}; target=${target%.zip}
  bin="${NAME}_v${version}"
  [[ $target == windows_* ]] && bin="$bin.exe"
  size=$("$TOOLS/releasezip" -want "$bin" "dist/$file")
  printf '%-66s %10s %13s\n' "$file" "$(stat -c %s "dist/$file")" "$size"
done <"dist/$sums"

host="$(go env GOOS)_$(go env GOARCH)"
zip="dist/${NAME}_${version}_${host}.zip"
if [ -f "$zip" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$TOOLS/releasezip" -want "${NAME}_v${version}" -extract "$tmp" "$zip" >/dev/null
  got=$("$tmp/${NAME}_v${version}" -version)
  [ "$got" = "$version" ] || { echo "the $host binary reports version '$got', want '$version'" >&2; exit 1; }
  echo "==> the $host binary reports its version: $got"
fi
echo "==> dist/ holds the release artefacts for $version"
