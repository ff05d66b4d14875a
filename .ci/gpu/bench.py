#!/usr/bin/env python3
"""The PyTorch peer of CudaBenchmark on the GPU machine: the CIFAR-10 tutorial model and the LeNet-style
model of the engine's benchmark (batch 64, random images and labels, 4 batches in turn, CrossEntropyLoss,
SGD lr 0.01 momentum 0.9), trained with PyTorch on CUDA. Two loops: each step reading the loss back to
the host (as the engine's does), and PyTorch at its best (no host sync per step, cudnn.benchmark on).
Prints one line per measure. usage: bench.py [--seconds S] [--rounds R]"""
import argparse
import statistics
import time

import torch
from torch import nn


def cifar():
    return nn.Sequential(nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2), nn.Conv2d(32, 32, 5, padding=2),
                         nn.MaxPool2d(2), nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(1024, 64), nn.Linear(64, 10))


def lenet():
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def rate(model, sample, seconds, sync_each_step):
    dev = torch.device("cuda")
    g = torch.Generator().manual_seed(2)
    xs = [torch.rand((64,) + sample, generator=g).to(dev) for _ in range(4)]
    ys = [torch.randint(0, 10, (64,), generator=g).to(dev) for _ in range(4)]
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    images, b = 0, 0
    torch.cuda.synchronize()
    start = time.perf_counter()
    end = start + seconds
    while True:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xs[b]), ys[b])
        loss.backward()
        opt.step()
        if sync_each_step:
            loss.item()
        images += 64
        b = (b + 1) % 4
        if images % 640 == 0 or sync_each_step:
            torch.cuda.synchronize()
            now = time.perf_counter()
            if now >= end:
                return images / (now - start)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    torch.backends.cudnn.benchmark = True
    # full float32, as the engine computes (no TF32 tensor cores)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    print(f"device cuda:0: {torch.cuda.get_device_name(0)}; PyTorch {torch.__version__}, CUDA {torch.version.cuda}, "
          f"cuDNN {torch.backends.cudnn.version()}")
    for title, build, sample in (("CIFAR-10 tutorial model", cifar, (3, 32, 32)),
                                 ("LeNet-5-style MNIST model", lenet, (1, 28, 28))):
        for sync, how in ((True, "loss read every step"), (False, "at its best: no host sync per step")):
            torch.manual_seed(1)
            model = build().cuda()
            rate(model, sample, min(a.seconds, 2), sync)  # warm-up: cuDNN's choice of algorithms, clocks
            rates = sorted(rate(model, sample, a.seconds, sync) for _ in range(a.rounds))
            print(f"{title}: pytorch cuda, batch 64, {how}: {statistics.median(rates):.0f} images/s "
                  f"(median of {a.rounds} rounds of {a.seconds:.0f} s; all {[round(r) for r in rates]})")


if __name__ == "__main__":
    main()
