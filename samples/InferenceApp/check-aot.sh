#!/usr/bin/env bash
# Publishes InferenceApp with NativeAOT (trimmed, -warnaserror: no trim or AOT warning passes),
# runs it and the JIT build on the same 10,000 digits and fails unless every output's bits agree.
# Lines starting '#' (latency) are printed, not compared. Needs clang as the linker: installed
# with apt-get when missing and run as root. Usage: samples/InferenceApp/check-aot.sh [work dir]
set -euo pipefail
cd "$(dirname "$0")"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
if ! command -v clang >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq clang >/dev/null
  else echo "check-aot: NativeAOT needs clang (apt-get install -y clang)" >&2; exit 1; fi
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release -warnaserror -nodeReuse:false -o "$work/jit" | tail -n 3
dotnet publish -c Release -r linux-x64 -warnaserror -nodeReuse:false -o "$work/aot" | tee "$work/publish.log" | tail -n 3
if grep -E ': warning ' "$work/publish.log"; then echo "check-aot: the publish warned" >&2; exit 1; fi
"$work/jit/InferenceApp" > "$work/jit.txt"
"$work/aot/InferenceApp" > "$work/aot.txt"
grep '^#' "$work/jit.txt" | sed 's/^/jit: /'
grep '^#' "$work/aot.txt" | sed 's/^/aot: /'
if ! diff <(grep -v '^#' "$work/jit.txt") <(grep -v '^#' "$work/aot.txt") > "$work/diff.txt"; then
  echo "check-aot: NativeAOT and JIT outputs differ ($(grep -c '^<' "$work/diff.txt") lines; $work/diff.txt)" >&2
  exit 1
fi
echo "check-aot: $(grep -vc '^#' "$work/jit.txt") lines identical; $(grep '^accuracy' "$work/aot.txt"); binary $(stat -c %s "$work/aot/InferenceApp") bytes"
