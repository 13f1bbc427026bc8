#!/usr/bin/env bash
# Runs snrlab's GPU benchmark on a Linux x64 machine with an NVIDIA GPU, no Node.js and no
# network, from the tarball that tools/gpu/pack.mjs makes.
#
#   bash run.sh snrlab-gpu.tar.xz [--dir DIR] [--out FILE] [--check-only]
#   bash run.sh [--out FILE] [--check-only]          (from inside an unpacked snrlab-gpu/)
#
# Steps: unpack; check that the packed Node runs and loads dawn.node; check the Vulkan loader
# (libvulkan.so.1) and NVIDIA's Vulkan ICD; require a non-fallback NVIDIA adapter; run the
# benchmark, writing its output to FILE (default: snrlab-gpu-bench-<host>-<time>.txt).
# Exit codes: 0 ok; 1 the benchmark's checks failed; 10 unpacking or the packed Node failed;
# 11 no Vulkan loader; 12 no NVIDIA Vulkan ICD; 13 no non-fallback NVIDIA adapter.
set -euo pipefail

say() { printf 'snrlab-gpu: %s\n' "$*" >&2; }
fail() { local code=$1; shift; say "FAILED: $*"; exit "$code"; }

tarball=""; dir=""; out=""; check_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --check-only) check_only=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) tarball=$1; shift ;;
  esac
done

# 1. unpack (or use the folder this script sits in)
if [ -n "$tarball" ]; then
  [ -f "$tarball" ] || fail 10 "no such tarball: $tarball"
  case "$tarball" in *.xz) command -v xz >/dev/null 2>&1 || fail 10 "xz is not installed (needed to unpack $tarball; or unpack it elsewhere and run snrlab-gpu/run.sh)" ;; esac
  dir=${dir:-$PWD}
  mkdir -p "$dir"
  tar -C "$dir" -xf "$tarball" || fail 10 "could not unpack $tarball into $dir"
  root="$dir/snrlab-gpu"
else
  root=$(cd "$(dirname "$0")" && pwd)
fi
[ -x "$root/bin/node" ] || fail 10 "missing $root/bin/node (not an unpacked snrlab-gpu folder)"
say "unpacked in $root"

# 2. the packed Node and Dawn
nodev=$("$root/bin/node" --version 2>&1) || fail 10 "the packed Node binary does not run here: $nodev"
[ -f "$root/node_modules/webgpu/dist/linux-x64/dawn.node" ] || fail 10 "missing node_modules/webgpu/dist/linux-x64/dawn.node"
probe=$(cd "$root" && ./bin/node -e "import('./node_modules/webgpu/index.js').then(() => console.log('dawn.node loads'))" 2>&1) || fail 10 "dawn.node does not load: $probe"
say "node $nodev; $probe"

# 3. the Vulkan loader
loader=""
if command -v ldconfig >/dev/null 2>&1; then loader=$(ldconfig -p 2>/dev/null | awk '/libvulkan\.so\.1 / && !p {print $NF; p = 1}'); fi  # awk reads to the end: an early exit would SIGPIPE ldconfig (status 141 under pipefail)
if [ -z "$loader" ]; then
  for d in $(printf %s "${LD_LIBRARY_PATH:-}" | tr : " ") /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /lib/x86_64-linux-gnu /usr/local/lib; do
    if [ -e "$d/libvulkan.so.1" ]; then loader="$d/libvulkan.so.1"; break; fi
  done
fi
[ -n "$loader" ] || fail 11 "missing the Vulkan loader libvulkan.so.1 (not in ldconfig's cache, LD_LIBRARY_PATH or the usual lib folders). Install it: Debian/Ubuntu 'apt-get install libvulkan1', RHEL/Fedora 'dnf install vulkan-loader'; or copy libvulkan.so.1 here and set LD_LIBRARY_PATH."
say "Vulkan loader: $loader"

# 4. NVIDIA's Vulkan ICD
icd=""
for f in $(printf "%s:%s" "${VK_ICD_FILENAMES:-}" "${VK_DRIVER_FILES:-}" | tr : " "); do
  case "$f" in *nvidia*) [ -f "$f" ] && { icd=$f; break; } ;; esac
done
if [ -z "$icd" ]; then
  for d in /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d /etc/glvnd/egl_vendor.d; do
    for f in "$d"/nvidia_icd*.json; do [ -f "$f" ] && { icd=$f; break 2; }; done
  done
fi
if [ -z "$icd" ]; then
  found=$(ls /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d 2>/dev/null | grep '\.json$' | tr '\n' ' ' || true)
  fail 12 "missing NVIDIA's Vulkan ICD: no nvidia_icd.json in /etc/vulkan/icd.d, /usr/share/vulkan/icd.d or /usr/local/share/vulkan/icd.d, nor in VK_ICD_FILENAMES/VK_DRIVER_FILES (ICD files present: ${found:-none}). It comes with the NVIDIA driver's Vulkan/GL libraries (e.g. Debian 'nvidia-vulkan-icd', Ubuntu 'libnvidia-gl-<version>'); in a container, start it with NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics so the runtime mounts it."
fi
lib=$(sed -n 's/.*"library_path"[^"]*"\([^"]*\)".*/\1/p' "$icd" | awk 'NR == 1')
if [ -n "$lib" ] && ! { [ -e "$lib" ] || ldconfig -p 2>/dev/null | grep "$lib" >/dev/null; }; then
  fail 12 "NVIDIA's Vulkan ICD $icd names $lib, which is not installed (install the NVIDIA driver's GL/Vulkan libraries matching the kernel driver)"
fi
say "NVIDIA Vulkan ICD: $icd${lib:+ ($lib)}"
if [ "$check_only" = 1 ]; then say "checks passed (--check-only: not running the benchmark)"; exit 0; fi

# 5. the benchmark, on a non-fallback NVIDIA adapter only
out=${out:-$PWD/snrlab-gpu-bench-$(hostname)-$(date +%Y%m%dT%H%M%S).txt}
say "running the benchmark; output: $out"
set +e
(cd "$root" && VK_ICD_FILENAMES="$icd" SNRLAB_WEBGPU_ICD="$icd" SNRLAB_REQUIRE_GPU=1 SNRLAB_REQUIRE_NVIDIA=1 ./bin/node bench/gpu.bench.mjs) 2>&1 | tee "$out"
code=${PIPESTATUS[0]}
set -e
case $code in
  0) say "done: $out" ;;
  2) fail 13 "no WebGPU adapter was created (see $out)" ;;
  3) fail 13 "the adapter is not a non-fallback NVIDIA GPU (see $out)" ;;
  *) fail 1 "the benchmark failed with exit $code (see $out)" ;;
esac
