#!/usr/bin/env bash
# Unpacks Debian 12's -dev packages of one ARM architecture into build/sysroot-ARCH, the target
# libraries of a cross build of the whole gateway (cmake/toolchain-ARCH.cmake).
#
# Why not `dpkg --add-architecture` + `apt-get install libfoo-dev:armhf`: that co-installs only
# when every Multi-Arch: same package has the same version for both architectures, and the
# security mirror updates amd64 and armhf at different times (tried 2026-11: libsystemd0,
# linux-libc-dev and libssl3 were out of step, apt refused). `apt-get download` + `dpkg -x`,
# with apt's lists for ARCH kept under build/, never touches the machine's package state. Architecture-independent headers (Boost, CLI11,
# nlohmann-json) are linked from the host's /usr/include.
# Usage: packaging/venus/sysroot.sh armhf|arm64
set -euo pipefail
cd "$(dirname "$0")/../.."
arch="${1:?armhf or arm64}"
root="build/sysroot-$arch"
debs="build/debs"
stamp="$root/.complete"
[ -f "$stamp" ] && exit 0
packages=(libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 libsqlite3-dev libsqlite3-0 libssl-dev
  libssl3 libmosquitto-dev libmosquitto1 libdbus-1-dev libdbus-1-3 libsystemd0 liblzma5 libzstd1
  liblz4-1 libcap2 libgcrypt20 libgpg-error0)
mkdir -p "$debs" "$root"
# apt with a private state for this architecture (build/apt-ARCH): the machine's dpkg needs no
# foreign architecture and its package lists are left alone. The security mirror's index of
# an ARM architecture is sometimes out of step with its Release file ("File has unexpected
# size"); apt then ignores that index and the packages come from the bookworm point release,
# which is as good for linking. So a failed index is not fatal, a failed download is.
apt_dir="$PWD/build/apt-$arch"
apt_opts=(-o "APT::Architecture=$(dpkg --print-architecture)" -o "APT::Architectures::=$arch"
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
  -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
(
  cd "$debs"
  missing=()
  for p in "${packages[@]}"; do
    ls "${p}"_*_"$arch".deb >/dev/null 2>&1 || missing+=("$p:$arch")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    apt-get "${apt_opts[@]}" -q update >"$apt_dir/update.log" 2>&1 ||
      echo "sysroot: some $arch package indexes failed (see $apt_dir/update.log); going on" >&2
    if ! apt-get "${apt_opts[@]}" -q download "${missing[@]}" >"$apt_dir/download.log" 2>&1; then
      cat "$apt_dir/update.log" "$apt_dir/download.log" >&2
      echo "sysroot: could not download ${missing[*]}" >&2
      exit 1
    fi
  fi
)
for p in "${packages[@]}"; do
  dpkg -x "$(ls "$debs/${p}"_*_"$arch".deb | head -1)" "$root"
done
# Absolute symlinks inside the packages (libfoo.so -> /usr/lib/...): make them relative.
find "$root" -type l | while read -r link; do
  target=$(readlink "$link")
  case "$target" in /*) ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$root$target")" "$link" ;; esac
done
# Multiarch headers (openssl/opensslconf.h, ...) next to the others: the cross compiler searches
# $root/usr/include (from the packages' cmake/pkg-config files) but not its <triplet>/ subfolder.
case "$arch" in armhf) triplet=arm-linux-gnueabihf ;; arm64) triplet=aarch64-linux-gnu ;; esac
if [ -d "$root/usr/include/$triplet" ]; then cp -rn "$root/usr/include/$triplet/." "$root/usr/include/"; fi
mkdir -p "$root/usr/include" "$root/usr/share/cmake"
for h in boost CLI nlohmann; do ln -sfn "/usr/include/$h" "$root/usr/include/$h"; done
for c in CLI11 nlohmann_json; do ln -sfn "/usr/share/cmake/$c" "$root/usr/share/cmake/$c"; done
touch "$stamp"
echo "sysroot: $root"
