import type * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "../assert.ts";
import { broadcastsOf } from "../fixtures/fake_kernel.ts";
import { fakeHistory } from "../fixtures/fake_history.ts";
import { showResult } from "../../lib/charts/show_result.ts";
import type { MimeBundle } from "../../lib/charts/display.ts";
import type { ConditionResult } from "../../lib/experiments/experiment.ts";
import { scorePredictions } from "../../lib/metrics/evaluate.ts";

const labels = [1, 0, 0, 1];
// tp 2 (0.9, 0.75), fp 1 (0.6), tn 1 (0.25), fn 0.
const probabilities = [0.9, 0.6, 0.25, 0.75];

/** A finished run without training: the history and probabilities are made up. */
const result = {
  name: "weighted",
  settings: {},
  seed: 1,
  trainClassCounts: [2, 2],
  history: fakeHistory(3),
  test: scorePredictions(labels, probabilities),
  testProbabilities: Float32Array.from(probabilities),
  testLabels: Uint8Array.from(labels),
  seconds: 1,
  model: {} as tf.LayersModel,
} satisfies ConditionResult;

/** What `fn` printed with console.log, one string per call. */
async function printedBy(fn: () => Promise<void>): Promise<string[]> {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...values: unknown[]) => printed.push(values.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.log = log;
  }
  return printed;
}

Deno.test("showResult prints the test metrics table outside Jupyter", async () => {
  const printed = await printedBy(() => showResult(result));
  assertEquals(printed.length, 1);
  const [caption, header, , row] = printed[0].split("\n");
  assertEquals(caption, "weighted: test set");
  assertEquals(header.split(/\s+/), [
    "condition",
    "accuracy",
    "precision",
    "recall",
    "f1",
    "auc",
    "tp",
    "fp",
    "tn",
    "fn",
    "epochs",
  ]);
  // Accuracy 3/4, precision 2/3, recall 1, F1 4/5, ROC AUC 1; 3 epochs.
  assertEquals(row.split(/\s+/), [
    "weighted",
    "0.75",
    "0.667",
    "1",
    "0.8",
    "1",
    "2",
    "1",
    "1",
    "0",
    "3",
  ]);
});

Deno.test("showResult shows the loss curve, the table and the confusion matrix in Jupyter, and prints nothing", async () => {
  let sent: Awaited<ReturnType<typeof broadcastsOf>> = [];
  const printed = await printedBy(async () => {
    sent = await broadcastsOf(() => showResult(result));
  });
  assertEquals(printed, []);
  assertEquals(sent.map(([type]) => type), ["display_data", "display_data", "display_data"]);
  const [curve, rows, matrix] = sent.map(([, content]) => (content as { data: MimeBundle }).data);
  assertEquals(Object.keys(curve).sort(), ["image/png", "image/svg+xml", "text/plain"]);
  assert(curve["text/plain"].endsWith(": weighted: loss per epoch"), curve["text/plain"]);
  assertEquals(Object.keys(rows).sort(), ["text/html", "text/plain"]);
  assert(rows["text/html"].includes("<caption>weighted: test set</caption>"), rows["text/html"]);
  assert(matrix["text/plain"].endsWith(": weighted: test confusion matrix"), matrix["text/plain"]);
  // The subtitle counts the test images and the dogs' share; the classes are cat and dog.
  const svg = matrix["image/svg+xml"];
  assert(svg.includes(">4 test images, 50 % dogs</text>"), "the subtitle is missing");
  assert(svg.includes(">cat<") && svg.includes(">dog<"), "the class names are missing");
});
