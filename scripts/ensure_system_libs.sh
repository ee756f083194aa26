#!/usr/bin/env bash
# Make sure the C and C++ runtimes are new enough for the TFX 1.21 wheels.
#
# The ml-metadata and TFDV 1.21 wheels are tagged manylinux_2_39: they need
# glibc >= 2.38 and a libstdc++ that exports GLIBCXX_3.4.32. Debian 12
# (bookworm) ships glibc 2.36, so on such a machine this script adds the
# Debian 13 (trixie) source at a low pin priority (nothing else is pulled
# from it) and upgrades libc6 and libstdc++6 from there. Running it again on
# an up-to-date machine changes nothing.
#
# Exit status: 0 when the runtimes are fine (or were upgraded), 1 when they
# are too old and this script cannot fix them (not root, not Debian).
set -euo pipefail

readonly REQUIRED_GLIBC="2.38"
readonly REQUIRED_GLIBCXX="GLIBCXX_3.4.32"
readonly TRIXIE_SOURCE="/etc/apt/sources.list.d/debian-trixie.sources"
readonly TRIXIE_PIN="/etc/apt/preferences.d/debian-trixie-pin"

glibc_version() {
  getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}'
}

libstdcxx_path() {
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64|libstdc\+\+\.so\.6 .*AArch64/ {print $NF; exit}'
}

glibc_ok() {
  local have
  have="$(glibc_version)"
  [[ -n "${have}" ]] && [[ "$(printf '%s\n%s\n' "${REQUIRED_GLIBC}" "${have}" | sort -V | head -1)" == "${REQUIRED_GLIBC}" ]]
}

glibcxx_ok() {
  local lib
  lib="$(libstdcxx_path)"
  [[ -n "${lib}" ]] && grep -aq "${REQUIRED_GLIBCXX}" "${lib}"
}

print_manual_steps() {
  cat >&2 <<MSG
ERROR: this machine has glibc $(glibc_version) and its libstdc++ lacks ${REQUIRED_GLIBCXX}.
The TFX 1.21 wheels (ml-metadata, TFDV) need glibc >= ${REQUIRED_GLIBC} and ${REQUIRED_GLIBCXX}.
On Debian 12, run as root (or rerun 'make setup' as root, which does exactly this):

  cat > ${TRIXIE_SOURCE} <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > ${TRIXIE_PIN}
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y -t trixie libc6 libstdc++6

On other distributions, use one released with glibc >= ${REQUIRED_GLIBC} (Debian 13, Ubuntu 24.04)
or run the project in such a container.
MSG
}

main() {
  if glibc_ok && glibcxx_ok; then
    echo "System libraries OK: glibc $(glibc_version), libstdc++ has ${REQUIRED_GLIBCXX}."
    return 0
  fi

  if [[ "$(id -u)" != "0" ]] || ! grep -q '^ID=debian' /etc/os-release 2>/dev/null; then
    print_manual_steps
    return 1
  fi

  echo "glibc $(glibc_version) is older than ${REQUIRED_GLIBC}: upgrading libc6 and libstdc++6 from Debian 13 (trixie)."
  if [[ ! -f "${TRIXIE_SOURCE}" ]]; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      > "${TRIXIE_SOURCE}"
  fi
  if [[ ! -f "${TRIXIE_PIN}" ]]; then
    # Priority 100 keeps every other package on bookworm unless asked for by -t trixie.
    printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > "${TRIXIE_PIN}"
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie libc6 libstdc++6

  if glibc_ok && glibcxx_ok; then
    echo "System libraries upgraded: glibc $(glibc_version)."
    return 0
  fi
  echo "ERROR: the upgrade ran but glibc is still $(glibc_version); see the apt output above." >&2
  return 1
}

main "$@"
