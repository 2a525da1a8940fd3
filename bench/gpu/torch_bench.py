#!/usr/bin/env python3
"""The PyTorch half of the GPU benchmark (bench/gpu/README.md).

For each network NetGen.GpuBench prepared in the work folder (meta.json, init.safetensors,
batches.safetensors), builds the same model with torch.nn, loads NetGen's initial weights (PyTorch
layout, the same parameter names), trains the same steps on the same batches with the same optimizer
(SGD, momentum 0.9, the same learning rate; softmax cross-entropy, mean over the batch), eager and
with torch.compile when this torch has it, and prints one JSON line per network and mode: images per
second over the steps after the warm-up, and every step's loss. On CUDA, TF32 stays as PyTorch's
default (on for convolutions through cuDNN, off for matmul); the line records both switches.
"""
import argparse
import json
import os
import struct
import sys
import time

import torch
from torch import nn


def read_safetensors(path):
    """{name: float32 tensor}: 8-byte little-endian header length, a JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor '{name}' is {info['dtype']}; this reader takes F32 only")
        start, end = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        if end - start != 4 * count:
            raise ValueError(f"{path}: tensor '{name}' has {end - start} bytes for shape {info['shape']}")
        raw = bytearray(data[start:end])
        values = torch.frombuffer(raw, dtype=torch.float32) if count else torch.zeros(0)
        if sys.byteorder != "little":
            values = values.view(torch.int32).byteswap().view(torch.float32)  # pragma: no cover (no big-endian machine here)
        tensors[name] = values.reshape(info["shape"]).clone()
    return tensors


def relu(x):
    """Every ReLU of the models below; grad_check.py replaces it to resolve ReLU kinks (inputs within rounding of 0)."""
    return torch.relu(x)


class MnistCnn(nn.Module):
    """samples/Mnist's CNN: the names NetGen gives its layers (conv1..3, dense_1, dense_2)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.conv3 = nn.Conv2d(64, 64, 3)
        self.dense_1 = nn.Linear(576, 64)
        self.dense_2 = nn.Linear(64, 10)  # logits: the loss applies the softmax

    def forward(self, x):
        x = torch.max_pool2d(relu(self.conv1(x)), 2)
        x = torch.max_pool2d(relu(self.conv2(x)), 2)
        x = relu(self.conv3(x))
        return self.dense_2(relu(self.dense_1(torch.flatten(x, 1))))


class Basic(nn.Module):
    """The .cnn files' basic block: conv1-bn1-relu-conv2-bn2 plus the shortcut (downsample_0/1 when strided)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = stride != 1 or cin != cout
        if self.down:
            self.downsample_0 = nn.Conv2d(cin, cout, 1, stride, bias=False)
            self.downsample_1 = nn.BatchNorm2d(cout)

    def forward(self, x):
        y = self.bn2(self.conv2(relu(self.bn1(self.conv1(x)))))
        shortcut = self.downsample_1(self.downsample_0(x)) if self.down else x
        return relu(y + shortcut)


class ResNet18(nn.Module):
    """torchvision's resnet18 (imagenet=True: 7x7/2 stem and 3x3/2 max pool) or the CIFAR form (3x3/1 stem, no pool)."""

    def __init__(self, classes, imagenet):
        super().__init__()
        self.imagenet = imagenet
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False) if imagenet else nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        widths = [64, 128, 256, 512]
        cin = 64
        for stage, width in enumerate(widths, start=1):
            stride = 1 if stage == 1 else 2
            setattr(self, f"layer{stage}_0", Basic(cin, width, stride))
            setattr(self, f"layer{stage}_1", Basic(width, width, 1))
            cin = width
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = relu(self.bn1(self.conv1(x)))
        if self.imagenet:
            x = torch.max_pool2d(x, 3, 2, 1)
        for stage in range(1, 5):
            x = getattr(self, f"layer{stage}_1")(getattr(self, f"layer{stage}_0")(x))
        return self.fc(torch.flatten(torch.mean(x, dim=(2, 3), keepdim=True), 1))


def build(name, classes):
    if name.startswith("mnist_cnn"):
        return MnistCnn()
    if name == "resnet18_224":
        return ResNet18(classes, imagenet=True)
    if name == "cifar_resnet18":
        return ResNet18(classes, imagenet=False)
    raise ValueError(f"unknown network '{name}'")


def load_weights(model, weights, name):
    """Every tensor of the model from NetGen's file, shapes checked; mismatches listed, not ignored."""
    state = model.state_dict()
    wanted = {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}
    problems = [f"missing '{k}' {list(v.shape)}" for k, v in wanted.items() if k not in weights]
    problems += [f"extra '{k}'" for k in weights if k not in wanted]
    problems += [f"'{k}': file {list(weights[k].shape)}, model {list(v.shape)}"
                 for k, v in wanted.items() if k in weights and list(weights[k].shape) != list(v.shape)]
    if problems:
        raise ValueError(f"{name}: NetGen's weights do not fit the PyTorch model: " + "; ".join(problems))
    model.load_state_dict({**state, **{k: weights[k] for k in wanted}})


def train(meta, weights, inputs, labels, device, mode):
    model = build(meta["network"], meta["classes"])
    load_weights(model, weights, meta["network"])
    model = model.to(device).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=meta["lr"], momentum=meta["momentum"])
    step_fn = model
    if mode == "compile":
        step_fn = torch.compile(model)
    loss_fn = nn.CrossEntropyLoss()
    inputs, labels = inputs.to(device), labels.to(device)
    losses, timed = [], 0.0
    for step in range(meta["steps"]):
        b = step % meta["distinct_batches"]
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(step_fn(inputs[b]), labels[b])
        loss.backward()
        optimizer.step()
        value = loss.item()  # waits for the step, as NetGen's TrainStep returns its loss on the host
        elapsed = time.perf_counter() - start
        losses.append(value)
        if step >= meta["warmup"]:
            timed += elapsed
    return losses, timed


def device_name(device):
    if device.type == "cuda":
        return "cuda: " + torch.cuda.get_device_name(device)
    return "cpu"


def network_names(work, networks, marker):
    """The networks named (comma-separated), else every folder of work that holds the file marker, sorted."""
    if networks:
        return networks.split(",")
    return sorted(d for d in os.listdir(work) if os.path.isfile(os.path.join(work, d, marker)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, help="the folder NetGen.GpuBench wrote")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--networks", help="comma-separated (default: every network in the work folder)")
    parser.add_argument("--modes", default="eager,compile", help="eager, compile or both (default)")
    args = parser.parse_args()

    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print("--device cuda: error: torch sees no CUDA device", file=sys.stderr)
        return 1
    names = network_names(args.work, args.networks, "meta.json")
    if not names:
        print(f"{args.work}: error: no network prepared here (run NetGen.GpuBench first)", file=sys.stderr)
        return 1
    torch.manual_seed(0)
    for name in names:
        folder = os.path.join(args.work, name)
        with open(os.path.join(folder, "meta.json")) as f:
            meta = json.load(f)
        weights = read_safetensors(os.path.join(folder, "init.safetensors"))
        data = read_safetensors(os.path.join(folder, "batches.safetensors"))
        inputs, labels = data["inputs"], data["labels"].to(torch.int64)
        for mode in args.modes.split(","):
            line = {"framework": "pytorch", "mode": mode, "network": name, "batch": meta["batch"],
                    "device": args.device, "device_name": device_name(device), "torch": torch.__version__,
                    "tf32_conv": torch.backends.cudnn.allow_tf32, "tf32_matmul": torch.backends.cuda.matmul.allow_tf32,
                    "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
            if mode == "compile" and not hasattr(torch, "compile"):
                line["error"] = f"torch.compile does not exist in torch {torch.__version__} (it came with 2.0)"
            else:
                try:
                    losses, seconds = train(meta, weights, inputs, labels, device, mode)
                    timed = meta["steps"] - meta["warmup"]
                    line.update(timed_steps=timed, seconds=seconds, images_per_s=meta["batch"] * timed / seconds, losses=losses)
                except Exception as e:  # torch.compile's failures are many (no compiler, no Triton): reported, not fatal
                    if mode != "compile":
                        raise
                    line["error"] = f"torch.compile failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
