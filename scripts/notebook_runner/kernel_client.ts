/**
 * A Jupyter client over ZeroMQ for one kernel: waits until the kernel answers (and its IOPub
 * subscription is live), then executes code and reports every IOPub message of the request.
 *
 * The Deno kernel often publishes results after it reports `idle`, so an execution only ends once
 * the shell `execute_reply` has arrived AND a quiet period has passed with no IOPub message for it.
 * A message that comes even later still reaches its request's `onIopubMessage`, so a caller can
 * put it in the right cell.
 */
import { Buffer } from "node:buffer";
import { Dealer, Subscriber } from "zeromq";
import { type ConnectionInfo, socketAddress } from "./connection_file.ts";
import { type JupyterMessage, MessageCodec } from "./wire_protocol.ts";

/** How an execution ended. Outputs arrive through `ExecuteOptions.onIopubMessage` in any case. */
export type ExecuteOutcome =
  | { kind: "replied"; reply: Record<string, unknown> }
  | { kind: "timed-out" }
  | { kind: "kernel-exited"; status: Deno.CommandStatus }
  | { kind: "interrupted" };

/** How to execute one cell. */
export interface ExecuteOptions {
  /** Give up (outcome `timed-out`) after this many milliseconds. */
  timeoutMs: number;
  /** After the reply, wait until no IOPub message for the request came for this long. */
  quietPeriodMs: number;
  /**
   * Called for every IOPub message whose parent is this request, in arrival order, including any
   * that arrive after the execution ended.
   */
  onIopubMessage: (message: JupyterMessage) => void;
  /** Aborting it ends the execution with outcome `interrupted` (e.g. Ctrl-C). */
  signal?: AbortSignal;
}

interface PendingRequest {
  onReply(message: JupyterMessage): void;
  onIopub(message: JupyterMessage): void;
}

/** The longest delay `setTimeout` honours. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** How long `close` lets ZeroMQ handle a dead kernel's disconnect before closing the sockets. */
const DISCONNECT_SETTLE_MS = 200;

/** How often `connect` re-sends `kernel_info_request` while the kernel is not answering. */
const KERNEL_INFO_RETRY_MS = 500;

/** The shell and IOPub connection to one kernel. */
export class KernelClient {
  readonly #codec: MessageCodec;
  readonly #shell = new Dealer({ linger: 0 });
  readonly #iopub = new Subscriber({ linger: 0 });
  readonly #pending = new Map<string, PendingRequest>();
  /** IOPub handlers of ended executions, for messages that arrive after the quiet period. */
  readonly #ended = new Map<string, (message: JupyterMessage) => void>();
  readonly #receiveLoops: Promise<void>[];
  readonly #kernelExited: Promise<Deno.CommandStatus>;
  #exitStatus: Deno.CommandStatus | undefined;
  #closed = false;

  private constructor(info: ConnectionInfo, kernelExited: Promise<Deno.CommandStatus>) {
    this.#codec = new MessageCodec(info.key);
    this.#kernelExited = kernelExited;
    kernelExited.then((status) => this.#exitStatus = status);
    this.#shell.connect(socketAddress(info, info.shell_port));
    this.#iopub.connect(socketAddress(info, info.iopub_port));
    this.#iopub.subscribe();
    this.#receiveLoops = [
      this.#receive(this.#shell, (pending, message) => pending.onReply(message)),
      this.#receive(this.#iopub, (pending, message) => pending.onIopub(message)),
    ];
  }

  /**
   * Connects to the kernel described by `info` and waits until it answers a `kernel_info_request`
   * on shell and IOPub both (IOPub subscriptions take a moment to start). Returns the client and
   * the kernel's `kernel_info_reply` content. Throws if the kernel exits or stays silent for
   * `startupTimeoutMs`.
   */
  static async connect(
    info: ConnectionInfo,
    kernelExited: Promise<Deno.CommandStatus>,
    startupTimeoutMs: number,
  ): Promise<{ client: KernelClient; kernelInfo: Record<string, unknown> }> {
    const client = new KernelClient(info, kernelExited);
    const deadline = Date.now() + startupTimeoutMs;
    try {
      while (Date.now() < deadline) {
        if (client.#exitStatus !== undefined) {
          throw new Error(
            `The Deno kernel exited with code ${client.#exitStatus.code} before answering.`,
          );
        }
        const kernelInfo = await client.#requestKernelInfo(KERNEL_INFO_RETRY_MS);
        if (kernelInfo !== undefined) return { client, kernelInfo };
      }
    } catch (error) {
      await client.close();
      throw error;
    }
    await client.close();
    throw new Error(
      `The Deno kernel did not answer within ${startupTimeoutMs / 1000} s. ` +
        "Check that `deno jupyter --kernel` works here, or raise the startup timeout.",
    );
  }

  /** Sends one kernel_info_request; its reply content once shell and IOPub both answered. */
  async #requestKernelInfo(waitMs: number): Promise<Record<string, unknown> | undefined> {
    const request = this.#codec.createMessage("kernel_info_request", {});
    let reply: Record<string, unknown> | undefined;
    let iopubAnswered = false;
    let wake = () => {};
    const answered = new Promise<void>((resolve) => wake = resolve);
    this.#pending.set(request.header.msg_id, {
      onReply: (message) => {
        reply = message.content;
        if (iopubAnswered) wake();
      },
      onIopub: () => {
        iopubAnswered = true;
        if (reply !== undefined) wake();
      },
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await this.#shell.send(this.#codec.encode(request));
      await Promise.race([answered, new Promise((resolve) => timer = setTimeout(resolve, waitMs))]);
    } finally {
      clearTimeout(timer);
      this.#pending.delete(request.header.msg_id);
    }
    return iopubAnswered ? reply : undefined;
  }

  /**
   * Executes `code` (see `ExecuteOptions`). Kernel-side errors, timeouts and a dead kernel are
   * outcomes; it rejects only if the request cannot be sent at all.
   */
  execute(code: string, options: ExecuteOptions): Promise<ExecuteOutcome> {
    const request = this.#codec.createMessage("execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    const requestId = request.header.msg_id;
    return new Promise<ExecuteOutcome>((resolve, reject) => {
      let reply: Record<string, unknown> | undefined;
      let finished = false;
      let quietTimer: ReturnType<typeof setTimeout> | undefined;
      let exitDrainTimer: ReturnType<typeof setTimeout> | undefined;
      // setTimeout fires at once for delays past 2^31 - 1 ms (about 24.8 days): cap it there.
      const timeoutTimer = setTimeout(
        () => finish({ kind: "timed-out" }),
        Math.min(options.timeoutMs, MAX_TIMER_DELAY_MS),
      );
      const settle = (): boolean => {
        if (finished) return false;
        finished = true;
        clearTimeout(quietTimer);
        clearTimeout(exitDrainTimer);
        clearTimeout(timeoutTimer);
        options.signal?.removeEventListener("abort", onAbort);
        this.#pending.delete(requestId);
        this.#ended.set(requestId, options.onIopubMessage);
        return true;
      };
      const finish = (outcome: ExecuteOutcome) => {
        if (settle()) resolve(outcome);
      };
      const restartQuietPeriod = () => {
        clearTimeout(quietTimer);
        quietTimer = setTimeout(
          () => finish({ kind: "replied", reply: reply! }),
          options.quietPeriodMs,
        );
      };
      const onAbort = () => finish({ kind: "interrupted" });
      this.#pending.set(requestId, {
        onReply: (message) => {
          reply = message.content;
          restartQuietPeriod();
        },
        onIopub: (message) => {
          options.onIopubMessage(message);
          if (reply !== undefined) restartQuietPeriod();
        },
      });
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener("abort", onAbort);
      // Messages the kernel sent just before dying may still be on their way: drain them first.
      this.#kernelExited.then((status) => {
        if (finished) return;
        exitDrainTimer = setTimeout(
          () => finish({ kind: "kernel-exited", status }),
          options.quietPeriodMs,
        );
      });
      this.#shell.send(this.#codec.encode(request)).catch((error) => {
        if (settle()) {
          reject(new Error(`Could not send the cell to the kernel: ${(error as Error).message}`));
        }
      });
    });
  }

  /**
   * Closes the sockets and waits for the receive loops to end. Once the kernel has exited, it
   * first gives ZeroMQ `DISCONNECT_SETTLE_MS` to handle the lost connection: zeromq 6.8's poll
   * callback, run by Deno's libuv layer for an event that came in as the socket closed, used
   * freed memory and killed this process with SIGSEGV (about 1 run in 20 when Ctrl-C came as a
   * cell started; none in 100 with the pause).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#exitStatus !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, DISCONNECT_SETTLE_MS));
    }
    this.#shell.close();
    this.#iopub.close();
    await Promise.allSettled(this.#receiveLoops);
  }

  async #receive(
    socket: Dealer | Subscriber,
    deliver: (pending: PendingRequest, message: JupyterMessage) => void,
  ): Promise<void> {
    while (!this.#closed) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch (error) {
        if (this.#closed || socket.closed) return;
        throw error;
      }
      let message: JupyterMessage;
      try {
        message = this.#codec.decode(frames);
      } catch (error) {
        console.warn(`Ignored a kernel message: ${(error as Error).message}`);
        continue;
      }
      const parentId = message.parent_header.msg_id ?? "";
      const pending = this.#pending.get(parentId);
      if (pending !== undefined) deliver(pending, message);
      else if (socket === this.#iopub) this.#ended.get(parentId)?.(message);
    }
  }
}
