/**
 * The PyTorch CUDA side of the comparison: runs scripts/bench/gpu_bench_torch.py
 * and reads its images per second for each case.
 */
import type { Case } from "./options.ts";

/**
 * PyTorch CUDA's images per second for each case (keyed "SIZExBATCH") from
 * the Python script at `script`, or the reason it could not run. The
 * interpreter is `$PYTHON`, else `python3`.
 */
export async function torchResults(
  script: string,
  seconds: number,
  cases: Case[],
): Promise<Map<string, number> | string> {
  const python = Deno.env.get("PYTHON") || "python3";
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(python, {
      args: [script, String(seconds), ...cases.map(({ size, batch }) => `${size}x${batch}`)],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    return `${python} could not start (${
      (error as Error).message
    }); set PYTHON to an interpreter with torch`;
  }
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr).trim();
  if (stdout.trim() !== "") console.log(stdout.trim());
  const results = new Map<string, number>();
  for (
    const match of stdout.matchAll(/torch_cuda size=(\d+) batch=(\d+) images_per_second=([\d.]+)/g)
  ) {
    results.set(`${match[1]}x${match[2]}`, Number(match[3]));
  }
  if (!output.success || results.size === 0) {
    return `${script} failed: ${stderr.split("\n").slice(-3).join(" | ") || "no result lines"}`;
  }
  return results;
}
