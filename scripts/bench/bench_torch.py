"""PyTorch anchor for `deno task bench`: the series' CNN trained on random
images with the same batch size, optimizer and loss, printing one line
`torch_images_per_second=<float> torch_images_per_cpu_second=<float>` for
the TypeScript benchmark to read (the second counts the CPU time of all the
process's threads, so it stays comparable when other processes compete).

Usage: python3 scripts/bench/bench_torch.py SIZE BATCH THREADS SECONDS
"""
import sys
import time

import torch
from torch import nn


def simple_cnn(size: int) -> nn.Module:
    """The series' CNN: 3 x (conv 3x3 same + ReLU + maxpool 2), dropout, dense 64, dropout, sigmoid."""
    flat = 128 * (size // 8) * (size // 8)
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Dropout(0.15), nn.Flatten(), nn.Linear(flat, 64), nn.ReLU(), nn.Dropout(0.4),
        nn.Linear(64, 1), nn.Sigmoid(),
    )


def main() -> None:
    size, batch, threads, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = simple_cnn(size)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    x = torch.rand(batch, 3, size, size)
    y = torch.randint(0, 2, (batch, 1)).float()

    def step() -> None:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    for _ in range(3):
        step()
    batches = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    while time.perf_counter() - started < seconds:
        step()
        batches += 1
    elapsed = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    print(
        f"torch_images_per_second={batches * batch / elapsed:.1f} "
        f"torch_images_per_cpu_second={batches * batch / cpu_seconds:.1f}"
    )


if __name__ == "__main__":
    main()
