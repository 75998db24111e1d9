#!/usr/bin/env bash
# Builds the local cloud's Kubernetes control plane, once, into a cache outside the repository:
#   ${FASTISH_K8S_CACHE:-$HOME/.cache/fastish/k8s}/v1.20.2/bin/{kube-apiserver,kube-controller-manager,etcd}
#
# Only Debian's own packages are used (no GitHub, no Go module proxy):
#   - source:    Debian bookworm src:kubernetes 1.20.5+really1.20.2-1.1+deb12u1 (the orig tarball holds
#                the complete vendor/ tree), fetched with `apt-get source` through a private apt state
#                whose deb-src list is derived from the mirrors this machine already uses;
#   - toolchain: Debian golang-1.19-go (installed with apt-get, as root);
#   - fix:       the vendored github.com/modern-go/reflect2 1.0.1 crashes under Go >= 1.18 (SIGSEGV in
#                mapiterinit on the first custom resource); it is replaced with the sources of Debian's
#                golang-github-modern-go-reflect2-dev 1.0.2;
#   - etcd:      extracted from Debian's etcd-server package (not installed: no system etcd service).
# Idempotent: exits at once when the cached binaries exist. Concurrent runs wait for each other (flock).
# Env: FASTISH_K8S_CACHE (cache root), FASTISH_K8S_KEEP_BUILD=1 (keep the build dir, ~2 GB),
#      FASTISH_K8S_BUILD_DIR (where the fresh build dir is made; default ${TMPDIR:-/tmp}).
# About 6 minutes on 2 cores (apt + source + code generators + both binaries), ~2 GB disk, 1.4 GB RAM.
set -euo pipefail

K8S_VERSION=v1.20.2
DEB_SOURCE=kubernetes
DEB_VERSION=1.20.5+really1.20.2-1.1+deb12u1
DEB_SUITE=bookworm
GO_PACKAGE=golang-1.19-go
GO_ROOT=/usr/lib/go-1.19
REFLECT2_PACKAGE=golang-github-modern-go-reflect2-dev
ETCD_PACKAGE=etcd-server
BINARIES=(kube-apiserver kube-controller-manager etcd)

CACHE_ROOT=${FASTISH_K8S_CACHE:-$HOME/.cache/fastish/k8s}
CACHE=$CACHE_ROOT/$K8S_VERSION
BIN=$CACHE/bin

log() { printf '[k8s-build %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[k8s-build] ERROR: %s\n' "$*" >&2; exit 1; }

cached() {
  local b
  for b in "${BINARIES[@]}"; do [ -x "$BIN/$b" ] || return 1; done
}

if cached; then
  log "cached: $BIN ($K8S_VERSION); nothing to do"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
# One build at a time (two helpers or `make -j` may ask at once); the second one then finds the cache.
exec 9>"$CACHE_ROOT/.build-$K8S_VERSION.lock"
if ! flock -n 9; then
  log "another build of $K8S_VERSION is running; waiting for it"
  flock 9
fi
if cached; then
  log "cached: $BIN ($K8S_VERSION), built by the other run"
  exit 0
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "root is needed to install the build packages ($*); run as root or install sudo"
  fi
}

command -v apt-get >/dev/null || die "apt-get not found: this build needs Debian 12 (bookworm) packages"
# shellcheck disable=SC1091
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ "$codename" = "$DEB_SUITE" ] || die "this build uses Debian $DEB_SUITE packages; this machine is '${codename:-unknown}'"

START=$(date +%s)
mkdir -p "${FASTISH_K8S_BUILD_DIR:-${TMPDIR:-/tmp}}"
WORK=$(mktemp -d "${FASTISH_K8S_BUILD_DIR:-${TMPDIR:-/tmp}}/fastish-k8s-build.XXXXXX")
heartbeat_pid=

cleanup() {
  local rc=$?
  if [ -n "$heartbeat_pid" ]; then kill "$heartbeat_pid" 2>/dev/null || true; fi
  if [ "${FASTISH_K8S_KEEP_BUILD:-0}" = 1 ]; then
    log "build dir kept: $WORK"
  else
    rm -rf "$WORK"  # sources, Go build cache, private apt state (with its deb-src list)
  fi
  rm -rf "$CACHE/.staging.$$"
  [ "$rc" -eq 0 ] || printf '[k8s-build] FAILED (exit %s) after %ss\n' "$rc" "$(($(date +%s) - START))" >&2
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive

# --- 1. build packages (system apt, as root) -------------------------------------------------------
need=()
[ -x "$GO_ROOT/bin/go" ] || need+=("$GO_PACKAGE")
for cmd_pkg in make:make rsync:rsync dpkg-source:dpkg-dev; do
  command -v "${cmd_pkg%%:*}" >/dev/null || need+=("${cmd_pkg#*:}")
done
[ -e /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
log "step 1/6: apt packages: ${need[*]:-all present}"
if [ ${#need[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
elif ! apt-cache show "$REFLECT2_PACKAGE" "$ETCD_PACKAGE" >/dev/null 2>&1; then
  as_root apt-get update -qq  # empty package lists (fresh image): needed for `apt-get download` below
fi

# --- 2. deb-src list from this machine's configured Debian mirrors (private apt state) -------------
# Prints "URI SUITE" for every configured binary ("deb") source of $DEB_SUITE, -updates and -security,
# from deb822 *.sources files and one-line *.list files.
configured_mirrors() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'function flush() { if (types ~ /(^| )deb( |$)/) { n = split(uris, u, " "); m = split(suites, s, " ");
                              for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print u[i], s[j] }
                            types = uris = suites = "" }
         /^[ \t]*#/ { next }
         /^[ \t]*$/ { flush(); next }
         tolower($1) == "types:" { $1 = ""; types = $0 " " }
         tolower($1) == "uris:" { $1 = ""; uris = $0 }
         tolower($1) == "suites:" { $1 = ""; suites = $0 }
         END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -E -n 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+([^[:space:]]+).*/\2 \3/p' "$f"
  done
}

APT=$WORK/apt
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$WORK/src"
: >"$APT/sources.list"
while read -r uri suite; do
  case $suite in
    "$DEB_SUITE" | "$DEB_SUITE-updates" | "$DEB_SUITE-security") ;;
    *) continue ;;
  esac
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" >>"$APT/sources.list"
done < <(configured_mirrors | sort -u)
if [ ! -s "$APT/sources.list" ]; then
  mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
  log "no configured $DEB_SUITE mirror found; using $mirror"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $DEB_SUITE main" >"$APT/sources.list"
fi
log "step 2/6: deb-src list (private, removed with the build dir):"
sed 's/^/    /' "$APT/sources.list"
APT_OPTS=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o APT::Sandbox::User=root)
apt-get "${APT_OPTS[@]}" update -qq

# --- 3. sources: kubernetes (with vendor/), reflect2 1.0.2, etcd -----------------------------------
log "step 3/6: apt-get source $DEB_SOURCE=$DEB_VERSION (~35 MB) + $REFLECT2_PACKAGE + $ETCD_PACKAGE"
cd "$WORK/src"
apt-get "${APT_OPTS[@]}" source --download-only -qq "$DEB_SOURCE=$DEB_VERSION"
dpkg-source --no-check -x "$DEB_SOURCE"_*.dsc k8s >/dev/null
apt-get -o APT::Sandbox::User=root download -qq "$REFLECT2_PACKAGE" "$ETCD_PACKAGE"
dpkg-deb -x "$REFLECT2_PACKAGE"_*_all.deb reflect2
dpkg-deb -x "$ETCD_PACKAGE"_*.deb etcd

log "step 4/6: replacing vendored reflect2 $(sed -n 's/^Version: //p' <(dpkg-deb -f "$REFLECT2_PACKAGE"_*_all.deb)) (Go >= 1.18 fix)"
vendored=k8s/vendor/github.com/modern-go/reflect2
[ -d "$vendored" ] || die "$vendored not found in the source package"
rm -f "$vendored"/*.go "$vendored"/*.s
cp reflect2/usr/share/gocode/src/github.com/modern-go/reflect2/*.go \
  reflect2/usr/share/gocode/src/github.com/modern-go/reflect2/*.s "$vendored"/

# --- 5. build ----------------------------------------------------------------------------------------
log "step 5/6: make WHAT='cmd/kube-apiserver cmd/kube-controller-manager' (Go $("$GO_ROOT/bin/go" env GOVERSION), ~5 min on 2 cores)"
cd "$WORK/src/k8s"
mkdir -p .go/src/k8s.io
ln -sfn ../../.. .go/src/k8s.io/kubernetes
export GOPATH=$PWD/.go PATH=$GO_ROOT/bin:$PATH CGO_ENABLED=0 HOME=$WORK/home GOPROXY=off GOFLAGS= GO111MODULE=off
export GOCACHE=$WORK/gocache
mkdir -p "$HOME"
(
  while sleep 30; do log "    ... still building ($(($(date +%s) - START))s elapsed)"; done
) &
heartbeat_pid=$!
make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" 2>&1 | sed -u 's/^/    /'
kill "$heartbeat_pid" 2>/dev/null || true
heartbeat_pid=

# --- 6. install into the cache ----------------------------------------------------------------------
log "step 6/6: installing into $BIN"
staging=$CACHE/.staging.$$
mkdir -p "$staging"
install -m 0755 _output/bin/kube-apiserver _output/bin/kube-controller-manager "$staging"/
install -m 0755 "$WORK/src/etcd/usr/bin/etcd" "$staging"/etcd
"$staging"/kube-apiserver --version
"$staging"/etcd --version | head -1
{
  echo "kubernetes $K8S_VERSION from Debian src:$DEB_SOURCE $DEB_VERSION"
  echo "go $("$GO_ROOT/bin/go" env GOVERSION) ($GO_PACKAGE), reflect2 from $REFLECT2_PACKAGE"
  echo "etcd from Debian $ETCD_PACKAGE $(dpkg-deb -f "$WORK/src/$ETCD_PACKAGE"_*.deb Version)"
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(($(date +%s) - START))s"
} >"$staging/BUILDINFO"
rm -rf "$BIN"
mv "$staging" "$BIN"
log "done in $(($(date +%s) - START))s: $BIN"
