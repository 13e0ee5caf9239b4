import { assert, assertEquals } from "../assert.ts";
import { prepareDataset } from "../../lib/data/batches.ts";
import type { MimeBundle } from "../../lib/charts/display.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { EarlyStopping } from "../../lib/training/callbacks/early_stopping.ts";
import type { EpochLog } from "../../lib/training/history.ts";
import {
  createProgress,
  formatEpochLine,
  type JupyterDisplay,
  type ProgressReporter,
} from "../../lib/training/progress.ts";
import { trainModel } from "../../lib/training/train.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** One message a fake kernel received: the bundle, its display id and whether it updates. */
interface DisplayMessage {
  bundle: MimeBundle;
  displayId?: string;
  update: boolean;
}

/** A fake `Deno.jupyter.display` that records what it is sent. */
function fakeKernel(): { display: JupyterDisplay; messages: DisplayMessage[] } {
  const messages: DisplayMessage[] = [];
  const display: JupyterDisplay = (bundle, options) => {
    assert(options.raw, "the progress sends ready mime bundles (raw: true)");
    messages.push({ bundle, displayId: options.display_id, update: options.update === true });
    return Promise.resolve();
  };
  return { display, messages };
}

/** Runs `body` with console.log captured; returns the lines it printed. */
async function printedLines(body: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...values: unknown[]) => lines.push(values.map(String).join(" "));
  try {
    await body();
  } finally {
    console.log = original;
  }
  return lines;
}

/** Three epoch logs with validation, the second with a lowered learning rate. */
const LOGS: EpochLog[] = [
  {
    epoch: 1,
    loss: 0.69312,
    valLoss: 0.61,
    valTp: 3,
    valFp: 1,
    valTn: 10,
    valFn: 2,
    valAccuracy: 0.8125,
    valPrecision: 0.75,
    valRecall: 0.6,
    valAuc: 0.83333,
    lr: 1e-3,
    seconds: 2.4,
  },
  {
    epoch: 2,
    loss: 0.5,
    valLoss: 0.64,
    valTp: 2,
    valFp: 1,
    valTn: 10,
    valFn: 3,
    valAccuracy: 0.75,
    valPrecision: 0.66667,
    valRecall: 0.4,
    valAuc: 0.8,
    lr: 1e-4,
    seconds: 2.6,
  },
  {
    epoch: 3,
    loss: 0.45,
    valLoss: 0.65,
    valTp: 2,
    valFp: 0,
    valTn: 11,
    valFn: 3,
    valAccuracy: 0.8125,
    valPrecision: 1,
    valRecall: 0.4,
    valAuc: 0.81,
    lr: 1e-4,
    seconds: 3.1,
  },
];

/** Notes the callbacks write after each epoch of LOGS, and at the end. */
const EPOCH_NOTES = [[], ["ReduceLROnPlateau: learning rate 1.0e-3 -> 1.0e-4"], [
  "EarlyStopping: stopping.",
]];
const END_NOTES = ["EarlyStopping: restored the weights of epoch 1."];

/** Feeds LOGS to `reporter` the way the training loop does (one notes array, emptied in place). */
async function replayRun(reporter: ProgressReporter, label = "run A"): Promise<void> {
  const notes: string[] = [];
  await reporter.trainBegin({ epochs: 5, batchesPerEpoch: 4, label });
  for (const [index, log] of LOGS.entries()) {
    for (let batch = 1; batch <= 4; batch++) await reporter.batchEnd(log.epoch, batch, 0.7);
    notes.length = 0;
    notes.push(...EPOCH_NOTES[index]);
    await reporter.epochEnd(log, notes);
  }
  notes.length = 0;
  notes.push(...END_NOTES);
  await reporter.trainEnd(LOGS, notes);
  notes.length = 0;
}

Deno.test("an epoch line reads like Keras's log", () => {
  const line = formatEpochLine({
    epoch: 2,
    loss: 0.51234,
    valLoss: 0.4,
    valTp: 80,
    valFp: 10,
    valTn: 990,
    valFn: 20,
    lr: 3e-4,
    seconds: 11.6,
  }, 10);
  assertEquals(
    line,
    "Epoch 2/10 - 12s - loss: 0.5123 - val_loss: 0.4000 - val_tp: 80 - val_fp: 10 - val_tn: 990 - val_fn: 20 - lr: 3.0e-4",
  );
});

Deno.test("lines mode prints the Keras-style lines and notes, and never uses the display", async () => {
  const kernel = fakeKernel();
  const lines = await printedLines(() => replayRun(createProgress("lines", kernel.display)));
  assertEquals(lines, [
    `run A: ${formatEpochLine(LOGS[0], 5)}`,
    `run A: ${formatEpochLine(LOGS[1], 5)}`,
    "  ReduceLROnPlateau: learning rate 1.0e-3 -> 1.0e-4",
    `run A: ${formatEpochLine(LOGS[2], 5)}`,
    "  EarlyStopping: stopping.",
    "  EarlyStopping: restored the weights of epoch 1.",
  ]);
  assertEquals(kernel.messages.length, 0);
});

Deno.test("auto mode outside a kernel prints lines; none prints nothing", async () => {
  const auto = await printedLines(() => replayRun(createProgress("auto", undefined)));
  assertEquals(auto.length, 6);
  assert(auto[0].startsWith("run A: Epoch 1/5 - 2s - loss: 0.6931"), auto[0]);
  assertEquals(
    await printedLines(() => replayRun(createProgress("none", fakeKernel().display))),
    [],
  );
});

Deno.test("in Jupyter a run is one output: a live bar with the latest epoch, then one table", async () => {
  const kernel = fakeKernel();
  const printed = await printedLines(() => replayRun(createProgress("auto", kernel.display)));
  assertEquals(printed, [], "no per-epoch stream lines in Jupyter");

  const { messages } = kernel;
  assert(
    messages.length >= 5,
    `expected begin, 3 epoch updates and the table, got ${messages.length}`,
  );
  const ids = new Set(messages.map((message) => message.displayId));
  assertEquals(ids.size, 1, "every message targets the run's one display id");
  assert(typeof messages[0].displayId === "string" && messages[0].displayId !== "");
  assertEquals(messages.map((message) => message.update), [
    false,
    ...messages.slice(1).map(() => true),
  ]);

  const afterEpoch2 = messages.findLast((message) =>
    message.bundle["text/plain"].includes("Epoch 2/5")
  );
  assert(afterEpoch2, "the live output shows the latest epoch's line");
  assert(afterEpoch2.bundle["text/plain"].startsWith("[="), "the bar is above the line");
  assert(afterEpoch2.bundle["text/plain"].includes("ReduceLROnPlateau"), "with its notes");
  assert(afterEpoch2.bundle["text/html"].includes("<progress"));
  assert(!afterEpoch2.bundle["text/plain"].includes("Epoch 1/5"), "only the latest epoch");

  const final = messages.at(-1)!.bundle;
  const html = final["text/html"];
  assertEquals(html.match(/<table/g)?.length, 1, "one table");
  assertEquals(html.match(/<tr>/g)?.length, 1 + LOGS.length, "a header row and a row per epoch");
  assert(html.includes("<caption>run A: 3 epochs, 8 s</caption>"), html);
  assert(!html.includes("<progress"), "the bar is gone");
  const headers = [...html.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((match) => match[1]);
  assertEquals(headers, [
    "epoch",
    "loss",
    "val_loss",
    "val_accuracy",
    "val_precision",
    "val_recall",
    "val_auc",
    "lr",
    "seconds",
  ]);
  const firstRow = [...html.split("<tr>")[2].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
  assertEquals(firstRow, [
    "1",
    "0.6931",
    "0.6100",
    "0.8125",
    "0.7500",
    "0.6000",
    "0.8333",
    "1.0e-3",
    "2",
  ]);
  const text = final["text/plain"].split("\n");
  assertEquals(text[0], "run A: 3 epochs, 8 s");
  assert(text[1].startsWith("last epoch 3 - "), text[1]);
  assertEquals(text.slice(2), [
    "  epoch 2: ReduceLROnPlateau: learning rate 1.0e-3 -> 1.0e-4",
    "  epoch 3: EarlyStopping: stopping.",
    "  EarlyStopping: restored the weights of epoch 1.",
  ]);
  assert(html.includes("epoch 2: ReduceLROnPlateau: learning rate 1.0e-3 -&gt; 1.0e-4"), html);
  assert(html.includes("EarlyStopping: restored the weights of epoch 1."), html);
});

Deno.test("a reporter used for two runs gives each run its own output", async () => {
  const kernel = fakeKernel();
  const reporter = createProgress("auto", kernel.display);
  await replayRun(reporter, "first");
  const firstId = kernel.messages[0].displayId;
  const firstCount = kernel.messages.length;
  await replayRun(reporter, "second");
  const second = kernel.messages.slice(firstCount);
  assert(
    second.every((message) => message.displayId !== firstId),
    "run 2 must not overwrite run 1",
  );
  assertEquals(second[0].update, false, "run 2 opens a new output");
  const table = second.at(-1)!.bundle["text/plain"].split("\n");
  assert(table[0].startsWith("second: 3 epochs"), table[0]);
  assertEquals(
    table.filter((line) => /^ {2}(epoch \d+: )?[A-Z]/.test(line)).length,
    3,
    "only run 2's notes",
  );
});

Deno.test("trainModel in Jupyter leaves one table with a row per epoch run", async () => {
  const images = noiseImageSet(24, 5);
  const stream = prepareDataset(images, [[...Array(16).keys()]], { seed: 1, batchSize: 8 });
  const kernel = fakeKernel();
  const printed = await printedLines(async () => {
    await trainModel(buildSimpleCnn({ imageSize: 8 }), stream, {
      epochs: 3,
      validation: { source: images, indices: [16, 17, 18, 19, 20, 21, 22, 23] },
      label: "tiny",
      callbacks: [new EarlyStopping({ patience: 1, minDelta: 10, restoreBestWeights: true })],
      progress: createProgress("auto", kernel.display),
    });
  });
  assertEquals(printed, []);
  const final = kernel.messages.at(-1)!.bundle["text/plain"].split("\n");
  assertEquals(final[0].replace(/, \d+ s$/, ""), "tiny: 2 epochs", "EarlyStopping stops after 2");
  assert(final[1].startsWith("last epoch 2 - "), final[1]);
  assert(final[2].startsWith("  epoch 2: EarlyStopping:"), final.join("\n"));
  assertEquals(final[3], "  EarlyStopping: restored the weights of epoch 1.");
  const html = kernel.messages.at(-1)!.bundle["text/html"];
  assertEquals(html.match(/<tr>/g)?.length, 3, "a header row and a row per epoch run");
});
