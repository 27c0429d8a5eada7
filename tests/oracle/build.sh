#!/usr/bin/env bash
# Build tests/oracle/build/regresolve-oracle from Debian packages only.
#
#   bash tests/oracle/build.sh            # idempotent; rebuilds only when inputs changed
#   REGRESOLVE_ORACLE_FORCE=1 bash ...    # rebuild even if up to date
#
# * Go 1.23 comes from bookworm-backports (golang-1.23-go), installed system-wide with apt.
# * containers/image 5.34.2 and the Go sources it needs come from Debian trixie. They are
#   only *downloaded* (never installed) through a private apt configuration under
#   tests/oracle/build/apt, and unpacked with `dpkg -x` into a GOPATH tree.
# * The program is built in GOPATH mode (GO111MODULE=off), offline (GOPROXY=off), static
#   (CGO_ENABLED=0).
#
# Needs root (apt-get install) the first time Go is missing; later runs need no privileges
# as long as the cached downloads under tests/oracle/build/ are present.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="$HERE/build"
OUT="$BUILD/regresolve-oracle"
GO="${REGRESOLVE_GO:-/usr/lib/go-1.23/bin/go}"
GO_DEB="golang-1.23-go"
TRIXIE_MIRROR="${REGRESOLVE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
TAGS="containers_image_openpgp,exclude_graphdriver_btrfs,exclude_graphdriver_devicemapper"

# The dependency closure of docker/reference, pkg/sysregistriesv2, pkg/shortnames,
# pkg/docker/config, pkg/tlsclientconfig and docker (found by building). containers-image is pinned exactly; the others float with trixie.
PACKAGES=(
  golang-github-containers-image-dev=5.34.2-1
  golang-github-containers-storage-dev
  golang-github-opencontainers-go-digest-dev
  golang-github-opencontainers-image-spec-dev
  golang-github-opencontainers-specs-dev
  golang-github-burntsushi-toml-dev
  golang-github-sirupsen-logrus-dev
  golang-github-manifoldco-promptui-dev
  golang-github-chzyer-readline-dev
  golang-github-docker-go-units-dev
  golang-github-moby-sys-dev
  golang-golang-x-exp-dev
  golang-golang-x-sys-dev
  golang-golang-x-term-dev
  # pkg/docker/config, pkg/tlsclientconfig and the docker transport (cert dirs, registries.d,
  # per-source client setup: the "hostctx" op)
  golang-github-docker-docker-credential-helpers-dev
  golang-github-docker-go-connections-dev
  golang-github-docker-distribution-dev
  golang-github-docker-docker-dev
  golang-github-containers-libtrust-dev
  golang-github-containers-ocicrypt-dev
  golang-gopkg-yaml.v3-dev
  golang-github-distribution-reference-dev
  golang-github-gorilla-mux-dev
  golang-github-pkg-errors-dev
)

say() { printf 'oracle build: %s\n' "$*" >&2; }
die() { printf 'oracle build: ERROR: %s\n' "$*" >&2; exit 1; }
trap 'rc=$?; [ $rc -eq 0 ] || printf "oracle build: FAILED (exit %s)\n" "$rc" >&2' EXIT

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@" || die "need root for: $*"
  else die "need root for: $*"
  fi
}

# ---------------------------------------------------------------- Go toolchain
ensure_go() {
  if [ -x "$GO" ]; then return; fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs Debian 12 (bookworm)"
  if ! grep -Rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "adding bookworm-backports to /etc/apt/sources.list.d/bookworm-backports.list"
    echo "deb http://deb.debian.org/debian bookworm-backports main" |
      as_root tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
  fi
  say "installing $GO_DEB from bookworm-backports"
  as_root apt-get update -qq || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -t bookworm-backports "$GO_DEB" >/dev/null || die "could not install $GO_DEB from bookworm-backports"
  [ -x "$GO" ] || die "$GO missing after installing $GO_DEB"
}

# ------------------------------------------------------- trixie sources (no install)
APT_DIR="$BUILD/apt"
DEB_DIR="$BUILD/debs"
apt_private() {
  apt-get \
    -o Dir::Etc="$APT_DIR/etc" \
    -o Dir::Etc::SourceList="$APT_DIR/etc/sources.list" \
    -o Dir::Etc::SourceParts="$APT_DIR/etc/sources.list.d" \
    -o Dir::Etc::Preferences="$APT_DIR/etc/preferences" \
    -o Dir::Etc::PreferencesParts="$APT_DIR/etc/preferences.d" \
    -o Dir::State="$APT_DIR/state" \
    -o Dir::State::Lists="$APT_DIR/lists" \
    -o Dir::State::status="$APT_DIR/status" \
    -o Dir::Cache="$APT_DIR/cache" \
    -o Debug::NoLocking=1 \
    -o APT::Sandbox::User="$(id -un)" \
    -o Acquire::Retries=3 \
    "$@"
}

fetch_debs() {
  local want="$DEB_DIR/.packages"
  if [ -f "$want" ] && [ "$(cat "$want")" = "${PACKAGES[*]}" ] && compgen -G "$DEB_DIR/*.deb" >/dev/null; then
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found"
  command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$keyring" ] || die "$keyring missing (install debian-archive-keyring)"
  rm -rf "$APT_DIR" "$DEB_DIR"
  mkdir -p "$APT_DIR"/etc/sources.list.d "$APT_DIR"/etc/preferences.d "$APT_DIR"/state \
    "$APT_DIR"/lists/partial "$APT_DIR"/cache/archives/partial "$DEB_DIR"
  : >"$APT_DIR/status"
  echo "deb [signed-by=$keyring] $TRIXIE_MIRROR trixie main" >"$APT_DIR/etc/sources.list"
  say "apt update (private, trixie main)"
  apt_private -qq update || die "private apt-get update of trixie failed (network? keyring?)"
  say "downloading ${#PACKAGES[@]} source packages from trixie"
  (cd "$DEB_DIR" && apt_private -qq download "${PACKAGES[@]}") ||
    die "apt-get download failed for: ${PACKAGES[*]}"
  local img
  img=$(ls "$DEB_DIR"/golang-github-containers-image-dev_*.deb 2>/dev/null) ||
    die "containers-image .deb not downloaded"
  [ "$(dpkg-deb -f "$img" Version)" = "5.34.2-1" ] || die "wrong containers-image version in $img"
  echo "${PACKAGES[*]}" >"$want"
}

# ------------------------------------------------------------------------- build
ensure_go
mkdir -p "$BUILD"

stamp_now() {
  {
    "$GO" version
    echo "${PACKAGES[*]}" "$TAGS"
    cat "$HERE"/*.go "$HERE/linkname.s"
  } | sha256sum | cut -d' ' -f1
}
STAMP="$BUILD/.stamp"
if [ -z "${REGRESOLVE_ORACLE_FORCE:-}" ] && [ -x "$OUT" ] && [ -f "$STAMP" ] &&
  [ -f "$DEB_DIR/.packages" ] && [ "$(cat "$DEB_DIR/.packages")" = "${PACKAGES[*]}" ] &&
  [ "$(cat "$STAMP")" = "$(stamp_now)" ]; then
  say "up to date: $OUT"
  exit 0
fi

rm -f "$OUT" "$STAMP" # never leave a stale binary behind a failed rebuild
fetch_debs

say "unpacking into a GOPATH tree"
DEBROOT="$BUILD/debroot"
rm -rf "$DEBROOT"
mkdir -p "$DEBROOT"
for deb in "$DEB_DIR"/*.deb; do
  dpkg-deb -x "$deb" "$DEBROOT" || die "dpkg-deb -x $deb failed"
done
GOCODE="$DEBROOT/usr/share/gocode"
IMG="$GOCODE/src/github.com/containers/image"
[ -f "$IMG/version/version.go" ] || die "containers/image sources not found under $IMG"
# Debian ships github.com/containers/image/v5 without the /v5 directory level.
ln -sfn . "$IMG/v5"

WORK="$BUILD/gopath"
SRC="$WORK/src/regresolve-oracle"
rm -rf "$WORK"
mkdir -p "$SRC"
cp "$HERE"/*.go "$HERE/linkname.s" "$SRC/"

say "go build ($("$GO" version | cut -d' ' -f3))"
(
  cd "$SRC"
  export GOPATH="$WORK:$GOCODE" GO111MODULE=off CGO_ENABLED=0 GOPROXY=off GOFLAGS= \
    GOTOOLCHAIN=local GOCACHE="$BUILD/gocache" GOTMPDIR= GOWORK=off GOENV=off GOTELEMETRY=off
  "$GO" build -trimpath -tags "$TAGS" -o "$OUT.tmp" .
) || die "go build failed"
mv -f "$OUT.tmp" "$OUT"
stamp_now >"$STAMP"

ver=$(printf '{"op":"version"}\n' | "$OUT") || die "the built oracle does not run"
case "$ver" in
  *'"containers_image":"5.34.2"'*) ;;
  *) die "unexpected version answer: $ver" ;;
esac
say "built $OUT: $ver"
