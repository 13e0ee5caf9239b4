#!/usr/bin/env bash
# The GPU comparison in one command, for a Linux machine with an NVIDIA GPU:
# checks the driver, the Vulkan loader and the NVIDIA Vulkan driver (ICD) that
# Deno's WebGPU needs, then runs scripts/bench/gpu_bench.ts (tfjs WebGPU in Deno,
# with tfjs's stock kernels and with this project's, against PyTorch CUDA via
# scripts/bench/gpu_bench_torch.py) and prints its comparison table.
#
# Usage, from the project root after `deno install`:
#   scripts/bench/gpu_bench.sh [--seconds N] [--skip-torch] [--images DIR [--seeds N]]
# Environment: DENO (the deno binary, default `deno`), PYTHON (an interpreter
# with a CUDA build of torch, default `python3`), GPU_BENCH_ENTRY and
# GPU_BENCH_DENO_FLAGS (run a bundled copy of gpu_bench.ts instead, e.g. on a
# machine without internet).
set -euo pipefail
cd "$(dirname "$0")/../.."
deno_bin=${DENO:-deno}

echo "== GPU"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
else
  echo "nvidia-smi not found: this script is meant for a machine with an NVIDIA GPU and driver." >&2
fi

echo "== Vulkan"
if ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1' >/dev/null ||
  { [ -n "${LD_LIBRARY_PATH:-}" ] && compgen -G "${LD_LIBRARY_PATH%%:*}/libvulkan.so.1*" >/dev/null; }; then
  echo "Vulkan loader libvulkan.so.1: found"
else
  echo "Vulkan loader libvulkan.so.1 not found: install it (Debian/Ubuntu: apt-get install libvulkan1)." >&2
  exit 1
fi
icds=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null || true)
if [ -z "${VK_DRIVER_FILES:-}" ] && ! grep -qil nvidia $icds /dev/null 2>/dev/null; then
  # Containers often mount the driver's ICD file here instead.
  mounted=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -f "$mounted" ]; then
    export VK_DRIVER_FILES=$mounted
  else
    echo "No NVIDIA Vulkan ICD (nvidia_icd.json) in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d:" \
      "install the driver's Vulkan part (e.g. libnvidia-gl-<version>) or set VK_DRIVER_FILES." >&2
  fi
fi
echo "Vulkan drivers: ${VK_DRIVER_FILES:-$icds}"

echo "== Deno $("$deno_bin" --version | head -1)"
entry=${GPU_BENCH_ENTRY:-scripts/bench/gpu_bench.ts}
# shellcheck disable=SC2086 # GPU_BENCH_DENO_FLAGS is a list of flags.
exec "$deno_bin" run --allow-all ${GPU_BENCH_DENO_FLAGS:-} "$entry" "$@"
