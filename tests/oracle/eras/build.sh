#!/usr/bin/env bash
# Build one oracle per containers/image behaviour era, from Debian packages only.
#
#   bash tests/oracle/eras/build.sh 5.23|5.26|5.34|5.39|5.41   # one era
#   bash tests/oracle/eras/build.sh all                         # 5.23 5.26 5.39 5.41 + 5.34
#   REGRESOLVE_ORACLE_FORCE=1 bash ...                          # rebuild even if up to date
#   REGRESOLVE_ERAS_REFRESH=1 bash ...      # apt update and resolve the floating packages again
#   REGRESOLVE_DEBIAN_MIRROR=http://...     # another Debian mirror (default deb.debian.org)
#
# Output: tests/oracle/eras/build/<era>/regresolve-oracle-<era> and, next to it, versions.txt
# (every Debian package used, with its version and suite; the Go toolchain; the build tags).
#
# * Go 1.23 (eras 5.23, 5.26, 5.34) is bookworm-backports' golang-1.23-go, installed with apt
#   if /usr/lib/go-1.23/bin/go is missing (the only system-wide install, as tests/oracle/build.sh).
# * Go 1.24 (eras 5.39, 5.41) is trixie's golang-1.24-go + golang-1.24-src, downloaded and
#   unpacked with dpkg-deb -x under build/go1.24 (never installed).
# * The library sources are Debian -dev packages *downloaded* through a private apt
#   configuration (build/apt: bookworm, bookworm-backports, trixie, forky, sid, experimental),
#   unpacked with dpkg-deb -x into a per-era GOPATH tree and built in GOPATH mode, offline,
#   static (GO111MODULE=off GOPROXY=off CGO_ENABLED=0).
# * containers/image is pinned to an exact Debian version per era; the other packages are taken
#   from their suite when first resolved, then reused from build/pool until
#   REGRESOLVE_ERAS_REFRESH=1; versions.txt and the up-to-date stamp record them.
# * For the eras whose Debian package uses the module path go.podman.io/image/v5 (5.38+), the
#   copy of the sources that is built has its import paths rewritten from
#   github.com/containers/image/v5 (sed); the sources in this directory stay one program.
# * Timing (2 cores, empty build/): 195 s for all; ~15 s after a source change; 0.3 s when up to
#   date. See ERAS.md.
# * Idempotent: an era is rebuilt only when its sources (main.go, feature_*.go, this script),
#   its package list, the downloaded .debs or the Go version changed. Downloads are cached
#   under build/; once cached, no network access is needed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="$HERE/build"
MIRROR="${REGRESOLVE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
BASE_TAGS="containers_image_openpgp,exclude_graphdriver_btrfs,exclude_graphdriver_devicemapper"
ALL_ERAS=(5.23 5.26 5.39 5.41 5.34) # 5.34: the control era (the main oracle's library)
GO123=/usr/lib/go-1.23/bin/go
GO124_ROOT="$BUILD/go1.24/root/usr/lib/go-1.24"

say() { printf 'era oracle build: %s\n' "$*" >&2; }
die() { printf 'era oracle build: ERROR: %s\n' "$*" >&2; exit 1; }
trap 'rc=$?; [ $rc -eq 0 ] || printf "era oracle build: FAILED (exit %s)\n" "$rc" >&2' EXIT

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@" || die "need root for: $*"
  else die "need root for: $*"
  fi
}

# ---------------------------------------------------------------------------- eras
#
# Each era: the exact containers/image version, the suite of every other package (a package
# written name/suite overrides it), the Go toolchain, the import path of the library, and the
# feature tags of the optional API (feature_*.go). The dependency closure of docker/reference,
# pkg/sysregistriesv2, pkg/shortnames, pkg/docker/config, types and version was found by
# building (a missing import → the Debian package that ships it).

# The closure shared by every era (names are Debian's).
COMMON_DEPS=(
  golang-github-containers-storage-dev
  golang-github-opencontainers-go-digest-dev
  golang-github-opencontainers-image-spec-dev
  golang-github-opencontainers-specs-dev
  golang-github-burntsushi-toml-dev
  golang-github-sirupsen-logrus-dev
  golang-github-manifoldco-promptui-dev
  golang-github-chzyer-readline-dev
  golang-github-docker-go-units-dev
  golang-github-docker-docker-credential-helpers-dev
  golang-github-moby-sys-dev
  golang-golang-x-sys-dev
  golang-golang-x-term-dev
)

era_settings() {
  ERA="$1"
  EXTRA_DEPS=()
  case "$ERA" in
    5.23)
      IMAGE_VERSION=5.23.1-4 IMAGE_SUITE=bookworm DEP_SUITE=bookworm GO_KIND=1.23
      MODULE=github.com/containers/image FEATURES=""
      EXTRA_DEPS=(
        golang-github-opencontainers-runc-dev golang-gocapability-dev
        golang-github-juju-ansiterm-dev golang-github-lunixbochs-vtclean-dev
        golang-github-mattn-go-colorable-dev golang-github-mattn-go-isatty-dev
        golang-github-hashicorp-go-multierror-dev golang-github-hashicorp-errwrap-dev
        golang-golang-x-net-dev
      )
      ;;
    5.26)
      IMAGE_VERSION=5.26.1-2~bpo12+1 IMAGE_SUITE=bookworm-backports DEP_SUITE=bookworm GO_KIND=1.23
      MODULE=github.com/containers/image FEATURES=""
      EXTRA_DEPS=(
        golang-github-containers-storage-dev/bookworm-backports
        golang-golang-x-exp-dev/bookworm-backports
        golang-github-burntsushi-toml-dev/bookworm-backports
        golang-github-opencontainers-image-spec-dev/bookworm-backports
        golang-github-opencontainers-runc-dev golang-gocapability-dev
        golang-github-juju-ansiterm-dev golang-github-lunixbochs-vtclean-dev
        golang-github-mattn-go-colorable-dev golang-github-mattn-go-isatty-dev
        golang-github-hashicorp-go-multierror-dev golang-github-hashicorp-errwrap-dev
      )
      ;;
    5.34)
      IMAGE_VERSION=5.34.2-1 IMAGE_SUITE=trixie DEP_SUITE=trixie GO_KIND=1.23
      MODULE=github.com/containers/image
      FEATURES="regresolve_alsauth,regresolve_dockercompat"
      EXTRA_DEPS=(golang-golang-x-exp-dev)
      ;;
    5.39)
      IMAGE_VERSION=5.39.2-3 IMAGE_SUITE=forky DEP_SUITE=forky GO_KIND=1.24
      MODULE=go.podman.io/image FEATURES="regresolve_alsauth,regresolve_dockercompat"
      ;;
    5.41)
      IMAGE_VERSION=5.41.1-1 IMAGE_SUITE=experimental DEP_SUITE=sid GO_KIND=1.24
      MODULE=go.podman.io/image FEATURES="regresolve_alsauth,regresolve_dockercompat,regresolve_configfile,regresolve_nsproxy"
      ;;
    *) die "unknown era '$ERA' (one of: 5.23 5.26 5.34 5.39 5.41, or all)" ;;
  esac
  TAGS="$BASE_TAGS${FEATURES:+,$FEATURES}"
  # The package specs for apt-get download: name=version, or name/suite (an EXTRA_DEPS entry
  # written name/suite replaces the COMMON_DEPS entry of the same name).
  local -A spec_of=()
  local order=() dep name
  for dep in "${COMMON_DEPS[@]}" "${EXTRA_DEPS[@]}"; do
    name="${dep%%/*}"
    [ -n "${spec_of[$name]+x}" ] || order+=("$name")
    if [ "$dep" = "$name" ]; then spec_of[$name]="$name/$DEP_SUITE"; else spec_of[$name]="$dep"; fi
  done
  SPECS=("golang-github-containers-image-dev=$IMAGE_VERSION")
  for name in "${order[@]}"; do SPECS+=("${spec_of[$name]}"); done
}

# ---------------------------------------------------------------------------- private apt

APT_DIR="$BUILD/apt"
APT_UPDATED=""
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

SUITES=(bookworm bookworm-backports trixie forky sid experimental)
# apt_lists [fresh]: make the private package lists available. Lists already on disk are used
# as they are, unless "fresh" is asked for (then apt-get update runs, once per invocation).
apt_lists() {
  [ -z "$APT_UPDATED" ] || return 0
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs Debian"
  command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found"
  [ -f "$KEYRING" ] || die "$KEYRING missing (install debian-archive-keyring)"
  mkdir -p "$APT_DIR"/etc/sources.list.d "$APT_DIR"/etc/preferences.d "$APT_DIR"/state \
    "$APT_DIR"/lists/partial "$APT_DIR"/cache/archives/partial
  : >"$APT_DIR/status"
  local sources suite
  sources=$(for suite in "${SUITES[@]}"; do echo "deb [signed-by=$KEYRING] $MIRROR $suite main"; done)
  if [ "${1:-}" != fresh ] && [ -z "${REGRESOLVE_ERAS_REFRESH:-}" ] &&
    [ "$(cat "$APT_DIR/etc/sources.list" 2>/dev/null)" = "$sources" ] &&
    [ "$(ls "$APT_DIR"/lists/*_InRelease 2>/dev/null | wc -l)" -eq "${#SUITES[@]}" ]; then
    return 0
  fi
  echo "$sources" >"$APT_DIR/etc/sources.list"
  say "apt update (private: ${SUITES[*]})"
  apt_private -qq update || die "private apt-get update failed (network? keyring?)"
  APT_UPDATED=1
}

# fetch LIST SPEC...: resolve the specs (name=version or name/suite) against the archive, download
# the .debs not yet in the shared pool (build/pool), and write their file names to LIST.
# LIST.request records what was asked for: a later run with the same request uses the pool
# without touching the network (REGRESOLVE_ERAS_REFRESH=1 resolves the floating names again).
POOL="$BUILD/pool"
fetch() {
  local list="$1"
  shift
  if [ -z "${REGRESOLVE_ERAS_REFRESH:-}" ] && [ -f "$list" ] && [ -f "$list.request" ] &&
    [ "$(cat "$list.request")" = "$*" ]; then
    local f ok=1
    while read -r f; do [ -f "$POOL/$f" ] || ok=""; done <"$list"
    [ -z "$ok" ] || return 0
  fi
  apt_lists
  mkdir -p "$POOL" "$(dirname "$list")"
  local uris files=() missing=() line file pkg ver
  uris=$(apt_private -qq --print-uris download "$@" 2>/dev/null) || {
    apt_lists fresh # the lists on disk may be older than the archive
    uris=$(apt_private -qq --print-uris download "$@") || die "cannot resolve: $*"
  }
  while read -r line; do
    [ -n "$line" ] || continue
    file=$(printf '%s\n' "$line" | cut -d' ' -f2)
    files+=("$file")
    if [ ! -f "$POOL/$file" ]; then
      pkg="${file%%_*}"
      ver="${file#*_}"
      ver="${ver%_*}"
      missing+=("$pkg=${ver//%3a/:}")
    fi
  done <<<"$uris"
  [ "${#files[@]}" -eq $# ] || die "resolved ${#files[@]} files for $# packages: $*"
  if [ "${#missing[@]}" -gt 0 ]; then
    say "downloading ${#missing[@]} packages into ${POOL#"$HERE"/}"
    (cd "$POOL" && apt_private -qq download "${missing[@]}") || {
      apt_lists fresh
      (cd "$POOL" && apt_private -qq download "${missing[@]}")
    } || die "apt-get download failed for: ${missing[*]}"
  fi
  printf '%s\n' "${files[@]}" >"$list"
  echo "$*" >"$list.request"
}

# ---------------------------------------------------------------------------- Go toolchains

ensure_go123() {
  [ -x "$GO123" ] && return
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs Debian 12 (bookworm)"
  if ! grep -Rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "adding bookworm-backports to /etc/apt/sources.list.d/bookworm-backports.list"
    echo "deb http://deb.debian.org/debian bookworm-backports main" |
      as_root tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
  fi
  say "installing golang-1.23-go from bookworm-backports"
  as_root apt-get update -qq || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -t bookworm-backports golang-1.23-go >/dev/null || die "could not install golang-1.23-go"
  [ -x "$GO123" ] || die "$GO123 missing after installing golang-1.23-go"
}

ensure_go124() {
  local dir="$BUILD/go1.24"
  fetch "$dir/debs.list" golang-1.24-go/trixie golang-1.24-src/trixie
  if [ ! -x "$GO124_ROOT/bin/go" ] || ! cmp -s "$dir/debs.list" "$dir/.unpacked"; then
    say "unpacking Go 1.24 under ${dir#"$HERE"/}"
    rm -rf "$dir/root"
    mkdir -p "$dir/root"
    local deb
    while read -r deb; do
      dpkg-deb -x "$POOL/$deb" "$dir/root" || die "dpkg-deb -x $deb failed"
    done <"$dir/debs.list"
    cp "$dir/debs.list" "$dir/.unpacked"
  fi
  [ -x "$GO124_ROOT/bin/go" ] || die "Go 1.24 not found under $GO124_ROOT"
}

go_for_era() {
  case "$GO_KIND" in
    1.23) ensure_go123 && GO="$GO123" GOROOT_ERA="" ;;
    1.24) ensure_go124 && GO="$GO124_ROOT/bin/go" GOROOT_ERA="$GO124_ROOT" ;;
  esac
}

# ---------------------------------------------------------------------------- one era

# The program: main.go and the feature_*.go files (every .go file of this directory).
mapfile -t SOURCES < <(cd "$HERE" && ls -- *.go)

run_go() {
  env -u GOFLAGS GOPATH="$1" GO111MODULE=off CGO_ENABLED=0 GOPROXY=off GOTOOLCHAIN=local \
    GOCACHE="$BUILD/gocache" GOWORK=off GOENV=off GOTELEMETRY=off \
    ${GOROOT_ERA:+GOROOT="$GOROOT_ERA"} "$GO" "${@:2}"
}

build_era() {
  era_settings "$1"
  local started=$SECONDS
  local dir="$BUILD/$ERA"
  local out="$dir/regresolve-oracle-$ERA"
  mkdir -p "$dir"
  go_for_era
  fetch "$dir/debs.list" "${SPECS[@]}"
  local debs=()
  mapfile -t debs < <(sed "s#^#$POOL/#" "$dir/debs.list")

  local stamp
  stamp=$({
    "$GO" version
    echo "$TAGS" "${SPECS[*]}"
    cat "$dir/debs.list"
    for f in "${SOURCES[@]}"; do cat "$HERE/$f"; done
    cat "$HERE/build.sh"
  } | sha256sum | cut -d' ' -f1)
  if [ -z "${REGRESOLVE_ORACLE_FORCE:-}" ] && [ -x "$out" ] && [ -f "$dir/versions.txt" ] &&
    [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then
    say "$ERA: up to date: ${out#"$HERE"/}"
    return
  fi
  rm -f "$out" "$dir/.stamp" "$dir/versions.txt"

  local img
  img=$(printf '%s\n' "${debs[@]}" | grep '/golang-github-containers-image-dev_') ||
    die "$ERA: containers-image .deb not downloaded"
  [ "$(dpkg-deb -f "$img" Version)" = "$IMAGE_VERSION" ] || die "$ERA: wrong containers-image version in $img"

  say "$ERA: unpacking ${#debs[@]} packages"
  local debroot="$dir/debroot"
  rm -rf "$debroot"
  mkdir -p "$debroot"
  local deb
  for deb in "${debs[@]}"; do
    dpkg-deb -x "$deb" "$debroot" || die "dpkg-deb -x $deb failed"
  done
  local gocode="$debroot/usr/share/gocode"
  # Debian ships the /v5 module without its /v5 directory level up to 5.39.
  local m
  for m in github.com/containers/image go.podman.io/image; do
    if [ -f "$gocode/src/$m/version/version.go" ] && [ ! -e "$gocode/src/$m/v5" ]; then
      ln -s . "$gocode/src/$m/v5"
    fi
  done
  [ -f "$gocode/src/$MODULE/v5/version/version.go" ] || die "$ERA: containers/image not found at $MODULE/v5"

  local work="$dir/gopath" src
  src="$work/src/regresolve-era-oracle"
  rm -rf "$work"
  mkdir -p "$src"
  for f in "${SOURCES[@]}"; do
    if [ "$MODULE" = go.podman.io/image ]; then
      sed 's#"github.com/containers/image/v5/#"go.podman.io/image/v5/#' "$HERE/$f" >"$src/$f"
    else
      cp "$HERE/$f" "$src/$f"
    fi
  done

  say "$ERA: go build ($("$GO" version | cut -d' ' -f3), tags $TAGS)"
  (cd "$src" && run_go "$work:$gocode" build -trimpath -tags "$TAGS" \
    -ldflags "-X main.eraName=$ERA" -o "$out.tmp" .) || die "$ERA: go build failed"
  mv -f "$out.tmp" "$out"

  local ver
  ver=$(printf '{"op":"version"}\n' | "$out") || die "$ERA: the built oracle does not run"
  case "$ver" in
    *"\"containers_image\":\"${IMAGE_VERSION%%-*}\""*) ;;
    *) die "$ERA: unexpected version answer: $ver" ;;
  esac

  {
    echo "# era $ERA: packages unpacked into the GOPATH (tests/oracle/eras/build.sh)"
    echo "go: $("$GO" version) ($([ "$GO_KIND" = 1.23 ] && echo "system $GO123" ||
      echo "unpacked from $(tr '\n' ' ' <"$BUILD/go1.24/debs.list")"))"
    echo "tags: $TAGS"
    echo "requested: ${SPECS[*]}"
    local pkg spec from
    for deb in "${debs[@]}"; do
      pkg=$(dpkg-deb -f "$deb" Package)
      from=""
      for spec in "${SPECS[@]}"; do
        case "$spec" in "$pkg"=*) from="$IMAGE_SUITE (pinned)" ;; "$pkg"/*) from="${spec#*/}" ;; esac
      done
      printf '%-52s %-34s %s\n' "$pkg" "$(dpkg-deb -f "$deb" Version)" "$from"
    done | sort
    echo "oracle: $ver"
    echo "build seconds: $((SECONDS - started))"
  } >"$dir/versions.txt"
  echo "$stamp" >"$dir/.stamp"
  rm -rf "$work" # debroot stays: the unpacked sources, for reading (ERAS.md cites them)
  say "$ERA: built ${out#"$HERE"/} in $((SECONDS - started)) s: $ver"
}

# ---------------------------------------------------------------------------- main

[ $# -eq 1 ] || die "usage: build.sh ERA|all   (ERA: 5.23 5.26 5.34 5.39 5.41)"
mkdir -p "$BUILD"
if [ "$1" = all ]; then
  total=$SECONDS
  for e in "${ALL_ERAS[@]}"; do build_era "$e"; done
  say "all eras done in $((SECONDS - total)) s"
else
  build_era "$1"
fi
