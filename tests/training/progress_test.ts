import { assert, assertEquals } from "../assert.ts";
import { prepareDataset } from "../../lib/data/batches.ts";
import { type MimeBundle, mimeBundle } from "../../lib/charts/display.ts";
import { buildSimpleCnn } from "../../lib/models/simple_cnn.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { EarlyStopping } from "../../lib/training/callbacks/early_stopping.ts";
import type { EpochLog } from "../../lib/training/history.ts";
import {
  createProgress,
  formatEpochLine,
  type JupyterDisplay,
  type ProgressReporter,
  trainingLogTable,
} from "../../lib/training/progress.ts";
import { trainModel } from "../../lib/training/train.ts";
import { noiseImageSet } from "../fixtures/noise_images.ts";
import { withClock } from "../fixtures/stubbed_clock.ts";

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

/** The text bar worked by hand: `filled` of 30 cells, then ">" unless full, then spaces. */
function bar(filled: number): string {
  return filled === 30
    ? `[${"=".repeat(30)}]`
    : `[${"=".repeat(filled)}>${" ".repeat(29 - filled)}]`;
}

/** The live output's HTML for `percent` and `status`, with the latest epoch's lines under it. */
function barHtml(percent: number, status: string, epochLines = ""): string {
  return `<div style="font-family:monospace"><progress value="${percent}" max="100" ` +
    `style="width:40ch;vertical-align:middle"></progress> ${percent}% ${status}${epochLines}</div>`;
}

Deno.test("the Jupyter bar, message by message: progress, batch throttling, elapsed time and the latest epoch", async () => {
  await withClock(async (clock) => {
    const kernel = fakeKernel();
    const reporter = createProgress("auto", kernel.display);
    await reporter.trainBegin({ epochs: 2, batchesPerEpoch: 4, label: "run A" });
    clock.now += 499;
    await reporter.batchEnd(1, 1, 0.7); // 499 ms after the last update: not shown
    clock.now += 1;
    await reporter.batchEnd(1, 2, 0.65); // 500 ms: shown, 2 of 8 batches done
    clock.now += 100;
    const note = "ReduceLROnPlateau: learning rate 1.0e-3 -> 1.0e-4";
    await reporter.epochEnd({ ...LOGS[0], epoch: 1 }, [note]);
    clock.now += 2000;
    await reporter.batchEnd(2, 1, 0.5); // 5 of 8 batches
    clock.now += 400;
    await reporter.batchEnd(2, 2, 0.5); // 400 ms after the last: not shown
    clock.now += 100;
    await reporter.epochEnd({ ...LOGS[1], epoch: 2 }, []);
    const line1 = formatEpochLine(LOGS[0], 2);
    const line2 = formatEpochLine(LOGS[1], 2);
    const epoch1Html = `<br>${line1}<br>&nbsp;&nbsp;${note.replace(">", "&gt;")}`;
    const bundles = kernel.messages.map((message) => message.bundle);
    assertEquals(bundles, [
      {
        "text/plain": `${bar(0)} 0% run A: starting (0 s)`,
        "text/html": barHtml(0, "run A: starting (0 s)"),
      },
      {
        "text/plain": `${bar(7)} 25% run A: epoch 1/2, batch 2/4, loss 0.6500 (1 s)`,
        "text/html": barHtml(25, "run A: epoch 1/2, batch 2/4, loss 0.6500 (1 s)"),
      },
      {
        "text/plain": `${bar(15)} 50% run A: epoch 1/2 done (1 s)\n${line1}\n  ${note}`,
        "text/html": barHtml(50, "run A: epoch 1/2 done (1 s)", epoch1Html),
      },
      {
        // 5/8 of the run: 62.5 % rounds to 63, 18.75 cells to 18; 2.6 s to 3.
        "text/plain": `${
          bar(18)
        } 63% run A: epoch 2/2, batch 1/4, loss 0.5000 (3 s)\n${line1}\n  ${note}`,
        "text/html": barHtml(63, "run A: epoch 2/2, batch 1/4, loss 0.5000 (3 s)", epoch1Html),
      },
      {
        "text/plain": `${bar(30)} 100% run A: epoch 2/2 done (3 s)\n${line2}`,
        "text/html": barHtml(100, "run A: epoch 2/2 done (3 s)", `<br>${line2}`),
      },
    ]);
    assertEquals(kernel.messages.map((message) => message.update), [
      false,
      true,
      true,
      true,
      true,
    ]);
  });
});

Deno.test("the Jupyter bar without a label starts with the bare status", async () => {
  await withClock(async () => {
    const kernel = fakeKernel();
    await createProgress("auto", kernel.display).trainBegin({ epochs: 3, batchesPerEpoch: 2 });
    assertEquals(kernel.messages.map((message) => message.bundle), [{
      "text/plain": `${bar(0)} 0% starting (0 s)`,
      "text/html": barHtml(0, "starting (0 s)"),
    }]);
  });
});

Deno.test("createProgress: auto is the default mode; every reporter's hooks return promises", async () => {
  const kernel = fakeKernel();
  await createProgress(undefined, kernel.display).trainBegin({ epochs: 1, batchesPerEpoch: 1 });
  assertEquals(kernel.messages.length, 1, "the default mode uses the kernel's display");
  for (const mode of ["lines", "none", "auto"] as const) {
    const reporter = createProgress(mode, fakeKernel().display);
    await printedLines(async () => {
      const calls = [
        reporter.trainBegin({ epochs: 1, batchesPerEpoch: 1 }),
        reporter.batchEnd(1, 1, 0.5),
        reporter.epochEnd(LOGS[0], []),
        reporter.trainEnd([LOGS[0]], []),
      ];
      assert(calls.every((call) => call instanceof Promise), `${mode}: a hook returned no promise`);
      await Promise.all(calls);
    });
  }
});

Deno.test("lines mode without a label prints the bare Keras line", async () => {
  const lines = await printedLines(async () => {
    const reporter = createProgress("lines");
    await reporter.trainBegin({ epochs: 5, batchesPerEpoch: 1 });
    await reporter.epochEnd(LOGS[0], []);
  });
  assertEquals(lines, [formatEpochLine(LOGS[0], 5)]);
});

Deno.test("an epoch line writes whole-number losses and rates with 4 decimals; only counts as integers", () => {
  const line = formatEpochLine(
    { epoch: 1, loss: 1, valLoss: 0, valTp: 3, valAccuracy: 1, lr: 1, seconds: 0 },
    1,
  );
  assertEquals(
    line,
    "Epoch 1/1 - 0s - loss: 1.0000 - val_loss: 0.0000 - val_tp: 3 - val_accuracy: 1.0000 - lr: 1.0e+0",
  );
});

/** The header and data cells of each row of a table's HTML. */
function tableCells(html: string): string[][] {
  return html.split("<tr>").slice(1).map((row) =>
    [...row.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((match) => match[1])
  );
}

Deno.test("trainingLogTable: columns for the fields some epoch logged, one epoch, no notes, many epochs, none", () => {
  const plain = mimeBundle(trainingLogTable([{ epoch: 1, loss: 0.5, lr: 1e-3, seconds: 1.6 }]));
  assertEquals(tableCells(plain["text/html"]), [
    ["epoch", "loss", "lr", "seconds"],
    ["1", "0.5000", "1.0e-3", "2"],
  ]);
  assertEquals(plain["text/plain"], "1 epoch, 2 s\nlast epoch 1 - 2s - loss: 0.5000 - lr: 1.0e-3");
  assert(plain["text/html"].endsWith("</tbody></table></div>"), "nothing after the table");
  // Validation loss logged from epoch 2 on only: its column, empty for epoch 1.
  const mixed = mimeBundle(trainingLogTable([
    { epoch: 1, loss: 0.5, lr: 1e-3, seconds: 1 },
    { epoch: 2, loss: 0.4, valLoss: 0.45, lr: 1e-3, seconds: 1 },
  ]));
  assertEquals(tableCells(mixed["text/html"]).map((row) => row[2]), ["val_loss", "", "0.4500"]);
  // Two-digit epochs: "Epoch 12/12" becomes "last epoch 12".
  const long = Array.from(
    { length: 12 },
    (_, i) => ({ epoch: i + 1, loss: 0.5, lr: 1, seconds: 0 }),
  );
  const longText = mimeBundle(trainingLogTable(long))["text/plain"].split("\n");
  assertEquals(longText, ["12 epochs, 0 s", "last epoch 12 - 0s - loss: 0.5000 - lr: 1.0e+0"]);
  assertEquals(mimeBundle(trainingLogTable([]))["text/plain"], "0 epochs, 0 s");
  // Notes of one epoch are separate lines in the HTML.
  const noted = mimeBundle(trainingLogTable(long.slice(0, 1), [
    { epoch: 1, text: "first" },
    { epoch: 1, text: "second" },
  ]));
  assert(
    noted["text/html"].includes("epoch 1: first<br>epoch 1: second</div>"),
    noted["text/html"],
  );
});
