#!/usr/bin/env bash
# The GPU training benchmark in one command (bench/gpu/README.md):
#   run.sh publish            here (needs the .NET SDK): the NetGen half, self-contained, into bench/gpu/out/
#   run.sh gpu                on a lent GPU machine (no SDK there): NetGen on cuda, then PyTorch on the same card, then the table
#   run.sh tiny [--simulator] here: the same flow at a tiny size, NetGen on cpu (or ILGPU's CPU accelerator) and PyTorch on the CPU
# Environment: PYTHON (a python3 with torch), STEPS and WARMUP (gpu: 30 and 5), RESULTS (gpu: where the JSON lines and table go).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/out"
limit_mib=60

# The first python3 that imports torch: $PYTHON, python3 on the PATH, Debian's /usr/bin/python3.
torch_python() {
    for p in ${PYTHON:-} python3 /usr/bin/python3; do
        if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import torch' >/dev/null 2>&1; then echo "$p"; return 0; fi
    done
    return 1
}

case "${1:-}" in
publish)
    rm -rf "$out"
    # Compressed single file, not trimmed: ILGPU generates code at run time and is not trim-safe.
    dotnet publish "$here/NetGen.GpuBench/NetGen.GpuBench.csproj" -c Release -r linux-x64 --self-contained \
        -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:PublishTrimmed=false -p:DebugType=none \
        -p:GenerateDocumentationFile=false -nodeReuse:false -o "$out" >/dev/null
    bytes=$(cat "$out"/* "$here"/run.sh "$here"/torch_bench.py "$here"/report.py | wc -c)
    mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
    echo "published $out: $(ls "$out" | tr '\n' ' ')"
    echo "carry size (published folder + scripts): $mib MiB (limit $limit_mib MiB)"
    if awk -v b="$bytes" -v l="$limit_mib" 'BEGIN { exit !(b >= l * 1048576) }'; then
        echo "error: $mib MiB is over the $limit_mib MiB carry limit" >&2
        exit 1
    fi
    ;;
gpu)
    app="$out/NetGen.GpuBench"
    [ -x "$app" ] || { echo "error: $app is missing: run 'run.sh publish' on a machine with the .NET SDK and carry bench/gpu/out" >&2; exit 1; }
    python=$(torch_python) || { echo "error: no python3 with torch here" >&2; exit 1; }
    results="${RESULTS:-$here/results}"
    work="$here/work"
    mkdir -p "$results"
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$results/card.txt" 2>/dev/null || true
    "$app" --device cuda --work "$work" --steps "${STEPS:-30}" --warmup "${WARMUP:-5}" > "$results/netgen.jsonl"
    "$python" "$here/torch_bench.py" --work "$work" --device cuda > "$results/torch.jsonl"
    echo "card: $(cat "$results/card.txt" 2>/dev/null || echo unknown); $(date -u '+%Y-%m-%d %H:%M UTC')" | tee "$results/table.md"
    "$python" "$here/report.py" "$results/netgen.jsonl" "$results/torch.jsonl" | tee -a "$results/table.md"
    rm -rf "$work"
    ;;
tiny)
    device=cpu
    networks="mnist_cnn_b64,mnist_cnn_b256,resnet18_224,cifar_resnet18"
    size=(--steps 4 --warmup 1 --batch 4)
    if [ "${2:-}" = "--simulator" ]; then
        # ILGPU's CPU accelerator is hundreds to thousands of times slower than the CPU backend: the smallest network, two samples.
        device=simulator networks="mnist_cnn_b64" size=(--steps 2 --warmup 1 --batch 2)
    fi
    dotnet build "$here/NetGen.GpuBench/NetGen.GpuBench.csproj" -c Release -nodeReuse:false >/dev/null
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    dotnet "$here/NetGen.GpuBench/bin/Release/net10.0/NetGen.GpuBench.dll" --device "$device" --work "$work/data" \
        --networks "$networks" "${size[@]}" > "$work/netgen.jsonl"
    if python=$(torch_python); then
        "$python" "$here/torch_bench.py" --work "$work/data" --device cpu --networks "$networks" > "$work/torch.jsonl"
        "$python" "$here/report.py" "$work/netgen.jsonl" "$work/torch.jsonl" --check
    else
        echo "no python3 with torch here: the NetGen half alone (install it with: apt-get install -y python3-torch)"
        python3 "$here/report.py" "$work/netgen.jsonl"
    fi
    ;;
*)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
