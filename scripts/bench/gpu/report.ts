/** The GPU benchmark's closing table: tfjs WebGPU's images per second beside PyTorch CUDA's. */
import type { CaseResults } from "./cases.ts";
import type { Case } from "./options.ts";

/**
 * Prints one Markdown row per case: stock and project kernels with the loss
 * read every step, the project's training loop, PyTorch (or "-" with the
 * reason `torch` gives below the table) and the training loop's ratio to it.
 */
export function printComparison(
  cases: Case[],
  tfjs: Map<string, CaseResults>,
  torch: Map<string, number> | string,
  seconds: number,
): void {
  console.log(
    "\n| case | stock kernels, loss read every step | project kernels, loss read every step | " +
      "project kernels, training loop | PyTorch CUDA | training loop / PyTorch |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const { size, batch } of cases) {
    const key = `${size}x${batch}`;
    const { stockEveryStep, projectEveryStep, projectTraining } = tfjs.get(key)!;
    const torchRate = typeof torch === "string" ? undefined : torch.get(key);
    const rates = [stockEveryStep, projectEveryStep, projectTraining].map((result) =>
      result.imagesPerSecond.toFixed(0)
    );
    console.log(
      `| ${size}x${size} px, batch ${batch} | ${rates.join(" | ")} | ${
        torchRate?.toFixed(0) ?? "-"
      } | ${
        torchRate === undefined ? "-" : (projectTraining.imagesPerSecond / torchRate).toFixed(3)
      } |`,
    );
  }
  if (typeof torch === "string") console.log(`PyTorch: ${torch}`);
  console.log(`(images/s of training; ${seconds} s per measurement)`);
}
