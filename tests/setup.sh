#!/usr/bin/env bash
# Installs (or reuses) every tool the cross-language tests need on a fresh Debian 12 machine:
#   apt: libjna-java junit4 keyutils debootstrap (+ maven for the Maven Central jars)   npm: kotlin-compiler
#   pip (venv): pytest, cryptography (AES-GCM for the Python device-key fake), eth-account
#   Maven Central: Robolectric's android-all jar (compiles the Android glue); Robolectric 4.14.1,
#     its dependencies and the instrumented android-all jars (runs the sample Activities)
#   a Debian trixie chroot with swiftlang for the Swift tests.
# Everything is cached outside the repo under $IMW_CACHE (default /var/cache/imwallet) so a
# machine reuses it. Usage: tests/setup.sh [apt|kotlin|android|robolectric|python|swift|all]...
set -euo pipefail
IMW_CACHE=${IMW_CACHE:-/var/cache/imwallet}
KOTLIN_VERSION=2.4.20
CRYPTOGRAPHY_VERSION=48.0.0
SWIFT_CHROOT=${SWIFT_CHROOT:-$IMW_CACHE/swift-trixie}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$IMW_CACHE"
log() { echo "[setup] $*" >&2; }

need_apt() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_apt() { need_apt libjna-java libjna-jni junit4 keyutils debootstrap; }

setup_kotlin() {
  local kh=$IMW_CACHE/kotlinc-$KOTLIN_VERSION
  if [ ! -x "$kh/bin/kotlinc" ]; then
    log "npm pack kotlin-compiler@$KOTLIN_VERSION"
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null)
    mkdir -p "$kh.tmp" && tar xzf "$tmp"/kotlin-compiler-*.tgz -C "$kh.tmp" --strip-components=1
    rm -rf "$tmp" "$kh" && mv "$kh.tmp" "$kh"
  fi
}

ANDROID_ALL_VERSION=14-robolectric-10818077
setup_android() {
  local jar=$IMW_CACHE/android-all-$ANDROID_ALL_VERSION.jar
  if [ ! -f "$jar" ]; then
    need_apt maven
    log "Robolectric android-all $ANDROID_ALL_VERSION from Maven Central (~140 MB)"
    mvn -q dependency:get -Dartifact="org.robolectric:android-all:$ANDROID_ALL_VERSION" >&2
    cp "$HOME/.m2/repository/org/robolectric/android-all/$ANDROID_ALL_VERSION/android-all-$ANDROID_ALL_VERSION.jar" "$jar.tmp"
    mv "$jar.tmp" "$jar"
  fi
}

# Robolectric for tests/robolectric (the sample Activities on the JVM), fetched once with Maven
# into a flat folder and then used offline: lib/ = Robolectric, its dependencies and the
# classes.jar of the two androidx.test AARs it needs (Maven never puts an AAR on a classpath);
# sdk/ = the instrumented android-all jars (robolectric.dependency.dir, robolectric.offline).
# Robolectric 4.14.1 also asks for Android 15's jar (the highest SDK it knows) even when every
# test runs on SDK 34, so both are fetched: ~520 MB in all, 158 MB of it Robolectric's native
# runtime. Maven works in a throwaway local repository so nothing is kept twice.
ROBOLECTRIC_VERSION=4.14.1
ROBOLECTRIC_SDKS="14-robolectric-10818077-i7 15-robolectric-12650502-i7"
setup_robolectric() {
  local dir=$IMW_CACHE/robolectric-$ROBOLECTRIC_VERSION
  [ -f "$dir/.ready" ] && return 0
  need_apt maven
  log "Robolectric $ROBOLECTRIC_VERSION + instrumented android-all jars from Maven Central (~520 MB)"
  local repo; repo=$(mktemp -d)
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/lib" "$dir.tmp/sdk"
  mvn -q -B -Dstyle.color=never -Dmaven.repo.local="$repo" -f "$(dirname "${BASH_SOURCE[0]}")/robolectric/deps.pom.xml" \
    dependency:copy-dependencies -DoutputDirectory="$dir.tmp/lib" >&2
  for aar in "$dir.tmp"/lib/*.aar; do
    unzip -p "$aar" classes.jar > "${aar%.aar}-classes.jar" && rm "$aar"
  done
  for v in $ROBOLECTRIC_SDKS; do
    mvn -q -B -Dstyle.color=never -Dmaven.repo.local="$repo" dependency:copy -Dartifact="org.robolectric:android-all-instrumented:$v" \
      -DoutputDirectory="$dir.tmp/sdk" >&2
  done
  rm -rf "$repo" "$dir" && mv "$dir.tmp" "$dir" && touch "$dir/.ready"
}

# The independent decoder/recoverer of the transaction tests (tests/python/test_transactions.py).
ETH_ACCOUNT_VERSION=0.14.0
setup_python() {
  local venv=$IMW_CACHE/venv
  if [ ! -x "$venv/bin/pytest" ]; then
    log "python venv + pytest"
    rm -rf "$venv"; python3 -m venv "$venv"; "$venv/bin/pip" install -q pytest
  fi
  if ! "$venv/bin/python" -c "import sys, cryptography; sys.exit(cryptography.__version__ != '$CRYPTOGRAPHY_VERSION')" 2>/dev/null; then
    log "pip install cryptography==$CRYPTOGRAPHY_VERSION"
    "$venv/bin/pip" install -q "cryptography==$CRYPTOGRAPHY_VERSION"
  fi
  if ! "$venv/bin/python" -c "import sys, eth_account; sys.exit(eth_account.__version__ != '$ETH_ACCOUNT_VERSION')" 2>/dev/null; then
    log "pip install eth-account==$ETH_ACCOUNT_VERSION"
    "$venv/bin/pip" install -q "eth-account==$ETH_ACCOUNT_VERSION"
  fi
}

swift_mounts_down() {
  for m in "$SWIFT_CHROOT/dev/pts" "$SWIFT_CHROOT/dev" "$SWIFT_CHROOT/proc"; do
    if mountpoint -q "$m"; then umount -l "$m"; fi
  done
}
swift_mounts_up() {
  mountpoint -q "$SWIFT_CHROOT/proc" || mount -t proc proc "$SWIFT_CHROOT/proc"
  mountpoint -q "$SWIFT_CHROOT/dev" || mount --bind /dev "$SWIFT_CHROOT/dev"
  mountpoint -q "$SWIFT_CHROOT/dev/pts" || mount --bind /dev/pts "$SWIFT_CHROOT/dev/pts"
  cp -L /etc/resolv.conf "$SWIFT_CHROOT/etc/resolv.conf"
}
in_chroot() {
  chroot "$SWIFT_CHROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/bash -c "$1"
}

setup_swift() {
  [ -f "$SWIFT_CHROOT/.swift-ready" ] && return 0
  need_apt debootstrap
  trap swift_mounts_down EXIT
  if [ ! -x "$SWIFT_CHROOT/usr/bin/apt-get" ]; then
    swift_mounts_down
    if mount | grep -q " $SWIFT_CHROOT/"; then log "refusing: something is mounted under $SWIFT_CHROOT"; exit 1; fi
    log "debootstrap trixie -> $SWIFT_CHROOT (~1 min)"
    rm -rf "$SWIFT_CHROOT"
    debootstrap --variant=minbase trixie "$SWIFT_CHROOT" "$MIRROR" >/dev/null
  fi
  swift_mounts_up
  log "installing swiftlang in the chroot (~1 min)"
  in_chroot "dpkg --configure -a && apt-get update -qq && apt-get install -y -qq --no-install-recommends swiftlang libc6-dev >/dev/null && apt-get clean"
  swift_mounts_down
  trap - EXIT
  touch "$SWIFT_CHROOT/.swift-ready"
}

# Only when executed (tests/run.sh sources this file for its helpers).
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ $# -eq 0 ] && set -- all
  for what in "$@"; do
    case $what in
      apt) setup_apt ;; kotlin) setup_kotlin ;; android) setup_android ;; robolectric) setup_robolectric ;;
      python) setup_python ;; swift) setup_swift ;;
      all) setup_apt; setup_kotlin; setup_android; setup_robolectric; setup_python; setup_swift ;;
      *) echo "unknown: $what" >&2; exit 2 ;;
    esac
  done
fi
