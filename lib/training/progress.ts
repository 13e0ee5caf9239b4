import type { EpochLog, History } from "./history.ts";
import { inJupyter } from "../charts/display.ts";

/** Receives training events to show progress; see {@link createProgress}. */
export interface ProgressReporter {
  /** Training starts: how many epochs at most, and batches per epoch. */
  trainBegin(info: { epochs: number; batchesPerEpoch: number; label?: string }): Promise<void>;
  /** A batch finished with this running mean training loss. */
  batchEnd(epoch: number, batch: number, meanLoss: number): Promise<void>;
  /** An epoch finished: its log, and notes from callbacks. */
  epochEnd(log: EpochLog, notes: readonly string[]): Promise<void>;
  /** Training ended (normally or early). */
  trainEnd(history: History, notes: readonly string[]): Promise<void>;
}

/** How progress is shown: "auto" (a live bar in Jupyter, lines elsewhere), "lines" (one line per epoch), "none". */
export type ProgressMode = "auto" | "lines" | "none";

/** Formats a number like Keras's logs: counts as integers, the rest with 4 significant decimals. */
function formatValue(key: string, value: number): string {
  if (key === "lr") return value.toExponential(1);
  if (Number.isInteger(value) && /^val(Tp|Fp|Tn|Fn)$/.test(key)) return String(value);
  return value.toFixed(4);
}

/** Keras's key names for the log fields, so a line reads like the series' output. */
const KERAS_NAMES: Record<string, string> = {
  loss: "loss",
  valLoss: "val_loss",
  valTp: "val_tp",
  valFp: "val_fp",
  valTn: "val_tn",
  valFn: "val_fn",
  valAccuracy: "val_accuracy",
  valPrecision: "val_precision",
  valRecall: "val_recall",
  valAuc: "val_auc",
  lr: "lr",
};

/** One Keras-style line for an epoch: "Epoch 3/10 - 12s - loss: 0.4123 - val_loss: … - lr: 1.0e-3". */
export function formatEpochLine(log: EpochLog, epochs: number): string {
  const parts = [`Epoch ${log.epoch}/${epochs}`, `${Math.round(log.seconds)}s`];
  for (const [key, name] of Object.entries(KERAS_NAMES)) {
    const value = log[key as keyof EpochLog];
    if (typeof value === "number") parts.push(`${name}: ${formatValue(key, value)}`);
  }
  return parts.join(" - ");
}

/** A text bar such as "[=========>          ] 45%". */
function textBar(fraction: number, width = 30): string {
  const filled = Math.min(width, Math.floor(fraction * width));
  const head = filled < width ? ">" : "";
  return `[${"=".repeat(filled)}${head}${" ".repeat(Math.max(0, width - filled - head.length))}]`;
}

/** Writes one line per epoch (and the callbacks' notes) with console.log. */
class LineProgress implements ProgressReporter {
  protected epochs = 0;
  protected label = "";
  trainBegin(info: { epochs: number; label?: string }): Promise<void> {
    this.epochs = info.epochs;
    this.label = info.label ? `${info.label}: ` : "";
    return Promise.resolve();
  }
  batchEnd(_epoch: number, _batch: number, _meanLoss: number): Promise<void> {
    return Promise.resolve();
  }
  epochEnd(log: EpochLog, notes: readonly string[]): Promise<void> {
    console.log(this.label + formatEpochLine(log, this.epochs));
    for (const note of notes) console.log(`  ${note}`);
    return Promise.resolve();
  }
  trainEnd(_history: History, notes: readonly string[]): Promise<void> {
    for (const note of notes) console.log(`  ${note}`);
    return Promise.resolve();
  }
}

/** Minimal view of the kernel's display API (`Deno.jupyter.display`). */
type JupyterDisplay = (
  bundle: Record<string, string>,
  options: { raw: boolean; display_id?: string; update?: boolean },
) => Promise<void>;

/**
 * In Jupyter: a progress bar updated in place (Jupyter's
 * `update_display_data`, at most twice a second) plus the per-epoch lines, so
 * the stored notebook keeps one final bar and one line per epoch, never a line
 * per batch.
 */
class JupyterProgress extends LineProgress {
  #displayId = `training-progress-${crypto.randomUUID()}`;
  #display: JupyterDisplay;
  #batchesPerEpoch = 1;
  #started = 0;
  #lastUpdate = 0;

  constructor(display: JupyterDisplay) {
    super();
    this.#display = display;
  }

  override async trainBegin(
    info: { epochs: number; batchesPerEpoch: number; label?: string },
  ): Promise<void> {
    await super.trainBegin(info);
    this.#batchesPerEpoch = info.batchesPerEpoch;
    this.#started = performance.now();
    await this.#show("starting", 0, false);
  }

  override async batchEnd(epoch: number, batch: number, meanLoss: number): Promise<void> {
    const now = performance.now();
    if (now - this.#lastUpdate < 500) return;
    this.#lastUpdate = now;
    const done = (epoch - 1) * this.#batchesPerEpoch + batch;
    const fraction = done / (this.epochs * this.#batchesPerEpoch);
    await this.#show(
      `epoch ${epoch}/${this.epochs}, batch ${batch}/${this.#batchesPerEpoch}, loss ${
        meanLoss.toFixed(4)
      }`,
      fraction,
      true,
    );
  }

  override async trainEnd(history: History, notes: readonly string[]): Promise<void> {
    await super.trainEnd(history, notes);
    const seconds = (performance.now() - this.#started) / 1000;
    await this.#show(`${history.length} epochs in ${seconds.toFixed(0)} s`, 1, true);
  }

  async #show(text: string, fraction: number, update: boolean): Promise<void> {
    const percent = Math.round(fraction * 100);
    const label = `${this.label}${text}`;
    await this.#display({
      "text/plain": `${textBar(fraction)} ${percent}% ${label}`,
      "text/html": `<div style="font-family:monospace"><progress value="${percent}" max="100" ` +
        `style="width:40ch;vertical-align:middle"></progress> ${percent}% ${
          label.replace(/&/g, "&amp;").replace(/</g, "&lt;")
        }</div>`,
    }, { raw: true, display_id: this.#displayId, update });
  }
}

/** Shows nothing. */
class SilentProgress extends LineProgress {
  override epochEnd(): Promise<void> {
    return Promise.resolve();
  }
  override trainEnd(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The progress reporter for a mode: "auto" gives a live bar plus epoch lines
 * in the Deno Jupyter kernel and epoch lines elsewhere; "lines" always prints
 * lines; "none" is silent.
 */
export function createProgress(mode: ProgressMode = "auto"): ProgressReporter {
  if (mode === "none") return new SilentProgress();
  if (mode === "auto" && inJupyter()) {
    const jupyter = (Deno as unknown as { jupyter: { display: JupyterDisplay } }).jupyter;
    return new JupyterProgress(jupyter.display.bind(jupyter));
  }
  return new LineProgress();
}
