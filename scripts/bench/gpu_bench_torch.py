"""PyTorch CUDA side of scripts/bench/gpu_bench.sh: the series' CNN (the same network
as scripts/bench/bench_torch.py) trained on random images on the GPU, with Adam and
binary cross-entropy, one batch kept on the GPU, reading the loss back after
every step (a CUDA read-back costs microseconds, unlike WebGPU's in Deno, so
the tfjs training loop's grouped reads are not copied here). Prints one line
per case:
`torch_cuda size=S batch=B images_per_second=R`.

Usage: python3 scripts/bench/gpu_bench_torch.py SECONDS SIZExBATCH [SIZExBATCH ...]
"""
import sys
import time

import torch
from torch import nn

from bench_torch import simple_cnn


def images_per_second(size: int, batch: int, seconds: float) -> float:
    """Training images per second at `size` x `size` px after 3 warm-up steps."""
    torch.manual_seed(0)
    device = torch.device("cuda")
    model = simple_cnn(size).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    x = torch.rand(batch, 3, size, size, device=device)
    y = torch.randint(0, 2, (batch, 1), device=device).float()

    def step() -> None:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()

    for _ in range(3):
        step()
    steps = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        step()
        steps += 1
    return steps * batch / (time.perf_counter() - started)


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit("usage: gpu_bench_torch.py SECONDS SIZExBATCH [SIZExBATCH ...]")
    if not torch.cuda.is_available():
        sys.exit(f"torch {torch.__version__} sees no CUDA GPU; install a CUDA build of PyTorch")
    seconds = float(sys.argv[1])
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name(0)}", flush=True)
    for case in sys.argv[2:]:
        size, batch = (int(part) for part in case.split("x"))
        rate = images_per_second(size, batch, seconds)
        print(f"torch_cuda size={size} batch={batch} images_per_second={rate:.1f}", flush=True)


if __name__ == "__main__":
    main()
