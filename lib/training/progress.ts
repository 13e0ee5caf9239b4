import type { EpochLog, History } from "./history.ts";
import {
  type Displayable,
  escapeMarkup,
  inJupyter,
  jupyterDisplay,
  type MimeBundle,
  mimeBundle,
  table,
} from "../charts/display.ts";

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

/**
 * How progress is shown: "auto" (in Jupyter a live bar that ends as one table
 * per run, lines elsewhere), "lines" (one line per epoch), "none".
 */
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

/** One Keras-style line for an epoch: "Epoch 3/10 - 12s - loss: 0.4123 - … - lr: 1.0e-3". */
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

/**
 * The kernel's display function (`Deno.jupyter.display`) as the Jupyter
 * progress uses it: a raw mime bundle, shown under a display id and later
 * replaced in place (`update: true` sends Jupyter's `update_display_data`).
 */
export type JupyterDisplay = (
  bundle: MimeBundle,
  options: { raw: boolean; display_id?: string; update?: boolean },
) => Promise<void>;

/** The log fields a run's table shows, in order: the losses, the validation rates, lr, seconds. */
const TABLE_KEYS = [
  "loss",
  "valLoss",
  "valAccuracy",
  "valPrecision",
  "valRecall",
  "valAuc",
  "lr",
] as const;

/** A callback's note, with the epoch after which it was written (none: at the end of training). */
export interface TrainingNote {
  /** The epoch whose end produced the note; undefined for notes from the end of training. */
  epoch?: number;
  /** The callback's text, e.g. "EarlyStopping: restored the weights of epoch 7." */
  text: string;
}

/**
 * One compact table for a finished run: a row per epoch with epoch, loss,
 * val_loss, the validation rates the logs have, lr and seconds, rounded as the
 * Keras-style lines are; the callbacks' notes under it and the label (with the
 * epoch count and total seconds) as its caption. What a notebook keeps of a
 * run in place of one line per epoch. Its plain-text form (for front ends
 * that show no HTML) is shorter: the caption, the last epoch's line and the
 * notes.
 *
 * @example
 * ```ts
 * import { mimeBundle } from "../charts/display.ts";
 * import { trainingLogTable } from "./progress.ts";
 * const log = trainingLogTable(
 *   [{ epoch: 1, loss: 0.69312, valLoss: 0.6, lr: 1e-3, seconds: 2.4 }],
 *   [{ epoch: 1, text: "EarlyStopping: stopping." }],
 *   "run 1",
 * );
 * const text = mimeBundle(log)["text/plain"];
 * if (!text.includes("loss: 0.6931") || !text.includes("epoch 1: EarlyStopping")) throw new Error(text);
 * ```
 */
export function trainingLogTable(
  history: History,
  notes: readonly TrainingNote[] = [],
  label?: string,
): Displayable {
  const keys = TABLE_KEYS.filter((key) => history.some((log) => typeof log[key] === "number"));
  const rows = history.map((log) => {
    const row: Record<string, string> = { epoch: String(log.epoch) };
    for (const key of keys) {
      const value = log[key];
      row[KERAS_NAMES[key]] = typeof value === "number" ? formatValue(key, value) : "";
    }
    row.seconds = String(Math.round(log.seconds));
    return row;
  });
  const seconds = Math.round(history.reduce((total, log) => total + log.seconds, 0));
  const summary = `${history.length} epoch${history.length === 1 ? "" : "s"}, ${seconds} s`;
  const logTable = table(rows, {
    columns: ["epoch", ...keys.map((key) => KERAS_NAMES[key]), "seconds"],
    caption: label ? `${label}: ${summary}` : summary,
  });
  const last = history.at(-1);
  const noteLines = notes.map((note) =>
    note.epoch === undefined ? note.text : `epoch ${note.epoch}: ${note.text}`
  );
  return {
    [jupyterDisplay]: () => ({
      "text/html": `<div>${logTable.toHtml()}${
        noteLines.length === 0
          ? ""
          : `\n<div style="font-size:0.9em">${noteLines.map(escapeMarkup).join("<br>")}</div>`
      }</div>`,
      // The text form is the short one: the caption and the last epoch's line (the rows are in the HTML).
      "text/plain": [
        logTable.caption ?? summary,
        ...(last
          ? [
            formatEpochLine(last, last.epoch).replace(
              /^Epoch \d+\/\d+/,
              `last epoch ${last.epoch}`,
            ),
          ]
          : []),
        ...noteLines.map((line) => `  ${line}`),
      ].join("\n"),
    }),
  };
}

/**
 * In Jupyter: one output per run, under its own display id. While the run
 * trains it shows a bar (updated in place with Jupyter's
 * `update_display_data`, at most twice a second between epochs) and the
 * latest epoch's Keras-style line with its notes; when the run ends the same
 * output becomes the run's {@link trainingLogTable}. Nothing goes to stdout,
 * so the stored notebook keeps one small table per run, not a line per epoch.
 */
class JupyterProgress implements ProgressReporter {
  #display: JupyterDisplay;
  #displayId = "";
  #label?: string;
  #epochs = 0;
  #batchesPerEpoch = 1;
  #started = 0;
  #lastUpdate = 0;
  #lastEpoch: string[] = [];
  #notes: TrainingNote[] = [];

  constructor(display: JupyterDisplay) {
    this.#display = display;
  }

  async trainBegin(
    info: { epochs: number; batchesPerEpoch: number; label?: string },
  ): Promise<void> {
    this.#displayId = `training-progress-${crypto.randomUUID()}`;
    this.#label = info.label;
    this.#epochs = info.epochs;
    this.#batchesPerEpoch = info.batchesPerEpoch;
    this.#started = performance.now();
    this.#lastUpdate = 0;
    this.#lastEpoch = [];
    this.#notes = [];
    await this.#showBar("starting", 0, false);
  }

  async batchEnd(epoch: number, batch: number, meanLoss: number): Promise<void> {
    if (performance.now() - this.#lastUpdate < 500) return;
    const done = (epoch - 1) * this.#batchesPerEpoch + batch;
    await this.#showBar(
      `epoch ${epoch}/${this.#epochs}, batch ${batch}/${this.#batchesPerEpoch}, loss ${
        meanLoss.toFixed(4)
      }`,
      done / (this.#epochs * this.#batchesPerEpoch),
      true,
    );
  }

  async epochEnd(log: EpochLog, notes: readonly string[]): Promise<void> {
    this.#notes.push(...notes.map((text) => ({ epoch: log.epoch, text })));
    this.#lastEpoch = [formatEpochLine(log, this.#epochs), ...notes.map((note) => `  ${note}`)];
    await this.#showBar(
      `epoch ${log.epoch}/${this.#epochs} done`,
      log.epoch / this.#epochs,
      true,
    );
  }

  async trainEnd(history: History, notes: readonly string[]): Promise<void> {
    this.#notes.push(...notes.map((text) => ({ text })));
    await this.#display(mimeBundle(trainingLogTable(history, this.#notes, this.#label)), {
      raw: true,
      display_id: this.#displayId,
      update: true,
    });
  }

  /** Shows the bar with `text` and the latest epoch's line under it. */
  async #showBar(text: string, fraction: number, update: boolean): Promise<void> {
    this.#lastUpdate = performance.now();
    const percent = Math.round(fraction * 100);
    const elapsed = Math.round((this.#lastUpdate - this.#started) / 1000);
    const status = `${this.#label ? `${this.#label}: ` : ""}${text} (${elapsed} s)`;
    const epochHtml = this.#lastEpoch
      .map((line) => `<br>${escapeMarkup(line).replaceAll("  ", "&nbsp;&nbsp;")}`).join("");
    await this.#display({
      "text/plain": [`${textBar(fraction)} ${percent}% ${status}`, ...this.#lastEpoch].join("\n"),
      "text/html": `<div style="font-family:monospace"><progress value="${percent}" max="100" ` +
        `style="width:40ch;vertical-align:middle"></progress> ${percent}% ` +
        `${escapeMarkup(status)}${epochHtml}</div>`,
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
 * The progress reporter for a mode: "auto" gives, in the Deno Jupyter kernel,
 * a live bar that ends as one table per run (see {@link trainingLogTable}), and
 * Keras-style epoch lines elsewhere; "lines" always prints lines; "none" is
 * silent. `display` is the kernel's display function (`Deno.jupyter.display`
 * inside a kernel, undefined elsewhere); tests pass a fake one.
 */
export function createProgress(
  mode: ProgressMode = "auto",
  display: JupyterDisplay | undefined = kernelDisplay(),
): ProgressReporter {
  if (mode === "none") return new SilentProgress();
  if (mode === "auto" && display) return new JupyterProgress(display);
  return new LineProgress();
}

/** `Deno.jupyter.display` inside the Deno Jupyter kernel; undefined elsewhere. */
function kernelDisplay(): JupyterDisplay | undefined {
  if (!inJupyter()) return undefined;
  const jupyter = (Deno as unknown as { jupyter: { display: JupyterDisplay } }).jupyter;
  return jupyter.display.bind(jupyter);
}
