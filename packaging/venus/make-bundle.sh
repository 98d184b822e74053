#!/usr/bin/env bash
# Makes the Venus OS bundle build/tinybms-gw-venus-ARCH.tar.gz from the cross-built gateway
# (build/ARCH-gw/app/tinybms-gw, docs/venus-os.md) and reports what the binary needs of the
# device: the libraries it links (those Venus OS does not have are copied into lib/, found
# through LD_LIBRARY_PATH in service/run) and the newest glibc symbol version it uses.
# Usage: packaging/venus/make-bundle.sh armhf|arm64
set -euo pipefail
cd "$(dirname "$0")/../.."
arch="${1:?armhf or arm64}"
case "$arch" in
  armhf) triplet=arm-linux-gnueabihf ;;
  arm64) triplet=aarch64-linux-gnu ;;
  *) echo "armhf or arm64" >&2; exit 2 ;;
esac
bin="build/$arch-gw/app/tinybms-gw"
[ -x "$bin" ] || { echo "no $bin: run scripts/build-arm.sh $arch first" >&2; exit 1; }
sysroot="build/sysroot-$arch"
stage="build/venus-$arch/tinybms-gw-venus"
rm -rf "build/venus-$arch"
mkdir -p "$stage/bin" "$stage/lib" "$stage/service/log"
# The installed program (cmake --install --strip), as in the .deb: the build tree's copy carries
# a RUNPATH into this machine's sysroot, which install removes.
# (Its warning that the systemd unit wants --prefix /usr does not apply: no unit on Venus OS.)
if ! out=$(cmake --install "build/$arch-gw" --prefix "build/venus-$arch/install" --strip 2>&1); then
  printf '%s\n' "$out" >&2
  exit 1
fi
cp "build/venus-$arch/install/bin/tinybms-gw" "$stage/bin/tinybms-gw"
cp packaging/venus/install.sh "$stage/"
cp packaging/venus/service/run "$stage/service/run"
cp packaging/venus/service/log/run "$stage/service/log/run"
# Libraries every Venus OS image has (glibc; libdbus-1 for dbus-daemon and python3-dbus).
on_venus='^(libc\.so|libm\.so|ld-linux|libdbus-1\.so|libpthread|libdl\.so|librt\.so)'
needed=$("$triplet-readelf" -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "needed: $(echo "$needed" | tr '\n' ' ')"
for lib in $needed; do
  if echo "$lib" | grep -Eq "$on_venus"; then continue; fi
  src=$(find "$sysroot" -name "$lib" | head -1)
  [ -n "$src" ] || { echo "missing $lib in $sysroot" >&2; exit 1; }
  cp -L "$src" "$stage/lib/$lib"
  # Their own dependencies that Venus lacks (one level is enough for this set).
  for dep in $("$triplet-readelf" -d "$src" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    echo "$dep" | grep -Eq "$on_venus|libstdc\+\+|libgcc_s" && continue
    [ -f "$stage/lib/$dep" ] || cp -L "$(find "$sysroot" -name "$dep" | head -1)" "$stage/lib/$dep"
  done
done
echo "bundled: $(ls "$stage/lib" | tr '\n' ' ')"
# Venus OS >= v3.60 has glibc 2.39 (spec/venus-dbus.md §5): nothing may need a newer symbol.
glibc=$("$triplet-objdump" -T "$stage/bin/tinybms-gw" "$stage"/lib/* 2>/dev/null |
  grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
echo "newest glibc symbol: $glibc (Venus OS v3.60+ has glibc 2.39)"
newest=$(printf '%s\nGLIBC_2.39\n' "$glibc" | sort -V | tail -1)
if [ "$newest" != "GLIBC_2.39" ]; then
  echo "the bundle needs $glibc, newer than Venus OS's glibc 2.39" >&2
  exit 1
fi
# The C++ runtime must be inside the program: Venus OS v3.5x has GCC 9's libstdc++.
for f in "$stage/bin/tinybms-gw" "$stage"/lib/*; do
  if "$triplet-readelf" -d "$f" | grep -Eq 'NEEDED.*(libstdc\+\+|libgcc_s)'; then
    echo "$(basename "$f") links the C++ runtime dynamically (expected static)" >&2
    exit 1
  fi
done
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "build/$arch-gw/CMakeCache.txt")
echo "tinybms-gw $version $arch" >"$stage/VERSION"
tar -C "build/venus-$arch" -czf "build/tinybms-gw-venus-$arch.tar.gz" tinybms-gw-venus
echo "bundle: build/tinybms-gw-venus-$arch.tar.gz ($(du -h "build/tinybms-gw-venus-$arch.tar.gz" | cut -f1))"
