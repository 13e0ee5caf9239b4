/**
 * The Deno Jupyter kernel as a child process (`deno jupyter --kernel --conn FILE`), with its
 * working directory, its exit, and the tail of what it printed (shown when it dies).
 */

/** How many of the kernel's last output lines are kept for failure reports. */
const KEPT_OUTPUT_LINES = 40;

/** A running kernel process. */
export class KernelProcess {
  readonly #child: Deno.ChildProcess;
  readonly #outputLines: string[] = [];
  readonly #outputDrained: Promise<void>;
  #exitStatus: Deno.CommandStatus | undefined;
  /** Resolves when the process has exited (for whatever reason). */
  readonly exited: Promise<Deno.CommandStatus>;

  /**
   * Starts the kernel of the `deno` running this script (`Deno.execPath()`) in `workingDirectory`;
   * it inherits this process's environment plus `extraEnvironment`.
   */
  constructor(
    connectionFile: string,
    workingDirectory: string,
    extraEnvironment: Record<string, string> = {},
  ) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["jupyter", "--kernel", "--conn", connectionFile],
      cwd: workingDirectory,
      env: extraEnvironment,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#outputDrained = Promise.all([
      this.#keepTail(this.#child.stdout),
      this.#keepTail(this.#child.stderr),
    ]).then(() => {});
    this.exited = this.#child.status.then((status) => {
      this.#exitStatus = status;
      return status;
    });
  }

  /** The process id of the kernel. */
  get pid(): number {
    return this.#child.pid;
  }

  /** The exit status once the process has exited, otherwise `undefined`. */
  get exitStatus(): Deno.CommandStatus | undefined {
    return this.#exitStatus;
  }

  /** The last lines the kernel printed on stdout/stderr (warnings, panics, npm downloads). */
  outputTail(): string {
    return this.#outputLines.join("\n");
  }

  /** Kills the kernel (if still running) and waits until it and its output pipes are done. */
  async stop(): Promise<void> {
    if (this.#exitStatus === undefined) {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // It exited between the check and the kill.
      }
    }
    await this.exited;
    await this.#outputDrained;
  }

  async #keepTail(stream: ReadableStream<Uint8Array>): Promise<void> {
    const lines = stream.pipeThrough(new TextDecoderStream());
    let pending = "";
    for await (const chunk of lines) {
      pending += chunk;
      const complete = pending.split("\n");
      pending = complete.pop()!;
      this.#remember(complete);
    }
    if (pending !== "") this.#remember([pending]);
  }

  #remember(lines: string[]): void {
    this.#outputLines.push(...lines.filter((line) => line.trim() !== ""));
    this.#outputLines.splice(0, Math.max(0, this.#outputLines.length - KEPT_OUTPUT_LINES));
  }
}
