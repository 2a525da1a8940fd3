#!/usr/bin/env bash
# Batch-1 Predict latency of samples/InferenceApp (the MNIST CNN, one image per call, one
# thread) as NativeAOT binaries against the JIT build of the same app. BenchmarkDotNet cannot
# run NativeAOT code, so this harness builds every variant, runs each the same way and prints
# one markdown table row per variant from the app's own timing line (`# latency us/image:
# first F, then median M, mean A, p99 P over N calls`), with the ratio of its median to the
# JIT's. Every variant's non-latency output must equal the JIT's, bit for bit, or the harness
# fails: a variant that computes something else is not timed.
#
# Variants: JIT (tiered, what `dotnet run` gives: the widest vectors the CPU has); the JIT held
# to 256-bit vectors (jit-256: DOTNET_PreferredVectorBitWidth=256, the path a CPU without AVX-512
# takes, to set beside aot-v3, which compiles that path); NativeAOT
# with the package's default instruction set (x86-64-v3: AVX2, the kernels' 256-bit path),
# with x86-64-v4 (AVX-512: the 512-bit path), and with x86-64-v2 (SSE4.2 only: the 128-bit
# path; the build warns NG1001 there, on purpose). Without FMA3 the 128-bit path multiplies
# and adds separately, so x86-64-v2's bits are compared with the JIT held to the same
# instructions (jit-sse: DOTNET_EnableAVX=0), not with the full JIT. On arm64 hosts (NEON:
# the 128-bit path with fused multiply-adds) only the JIT and the default AOT build are made.
#
# Usage: bench/aot-latency.sh [work dir] [repeat]    (repeat: passes over the 10,000 digits; default 3)
# Run it on a quiet machine: it measures wall-clock latency. Needs clang (NativeAOT's linker).
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d)}"
repeat="${2:-3}"
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! command -v clang >/dev/null; then echo "aot-latency: NativeAOT needs clang (apt-get install -y clang)" >&2; exit 1; fi

arch="$(uname -m)"
case "$arch" in
  x86_64) rid=linux-x64; jits=(jit jit-256 jit-sse); variants=("aot-v3::" "aot-v4:-p:NetGenAotInstructionSet=x86-64-v4" "aot-v2:-p:IlcInstructionSet=x86-64-v2") ;;
  aarch64) rid=linux-arm64; jits=(jit); variants=("aot::") ;;
  *) echo "aot-latency: no RID for $arch" >&2; exit 1 ;;
esac

app=samples/InferenceApp
dotnet build "$app" -c Release -nodeReuse:false -o "$work/jit" > "$work/jit-build.log" || { tail -n 20 "$work/jit-build.log"; exit 1; }
for v in "${variants[@]}"; do
  name="${v%%:*}"; props="${v#*:}"; props="${props#:}"
  # shellcheck disable=SC2086
  dotnet publish "$app" -c Release -r "$rid" -nodeReuse:false -o "$work/$name" $props > "$work/$name-publish.log" \
    || { tail -n 20 "$work/$name-publish.log"; exit 1; }
done

# One untimed pass first (page cache, CPU frequency), then the timed run.
run() { "$@" --count 100 > /dev/null; "$@" --repeat "$repeat"; }
run "$work/jit/InferenceApp" > "$work/jit.txt"
if [ "$arch" = x86_64 ]; then
  DOTNET_PreferredVectorBitWidth=256 run "$work/jit/InferenceApp" > "$work/jit-256.txt"
  if ! diff -q <(grep -v '^#' "$work/jit.txt") <(grep -v '^#' "$work/jit-256.txt") > /dev/null; then
    echo "aot-latency: the JIT's 256-bit outputs differ from its 512-bit ones ($work/jit-256.txt)" >&2; exit 1
  fi
  DOTNET_EnableAVX=0 run "$work/jit/InferenceApp" > "$work/jit-sse.txt"
fi
for v in "${variants[@]}"; do
  name="${v%%:*}"
  reference=jit; [ "$name" = aot-v2 ] && reference=jit-sse
  run "$work/$name/InferenceApp" > "$work/$name.txt"
  if ! diff -q <(grep -v '^#' "$work/$reference.txt") <(grep -v '^#' "$work/$name.txt") > /dev/null; then
    echo "aot-latency: $name's outputs differ from $reference's ($work/$name.txt)" >&2; exit 1
  fi
done

field() { sed -nE "s/^# latency us\/image: .*$1 ([0-9.]+).*/\1/p" "$2"; }
jit_median="$(field median "$work/jit.txt")"
echo "| build | first call (us) | median (us) | mean (us) | p99 (us) | median / JIT's |"
echo "| --- | --- | --- | --- | --- | --- |"
for name in "${jits[@]}" $(for v in "${variants[@]}"; do echo "${v%%:*}"; done); do
  f="$work/$name.txt"
  median="$(field median "$f")"
  ratio="$(awk -v a="$median" -v b="$jit_median" 'BEGIN { printf "%.2fx", a / b }')"
  echo "| $name | $(field first "$f") | $median | $(field mean "$f") | $(field p99 "$f") | $ratio |"
done
echo "($(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
