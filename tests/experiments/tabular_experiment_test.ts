import { join } from "node:path";
import { assert, assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { writeCoil2000Fixture } from "../fixtures/coil2000.ts";
import { featuresAndTarget, fitStandardizer, loadCoil2000 } from "../../lib/data/coil2000.ts";
import { selectEngine } from "../../lib/engine/select_engine.ts";
import { scorePredictions } from "../../lib/metrics/evaluate.ts";
import { predictProbabilities } from "../../lib/models/predict.ts";
import { classHistogram } from "../../lib/data/table_sampling.ts";
import { runCondition } from "../../lib/experiments/experiment.ts";
import {
  imbalanceStrategies,
  type ImbalanceStrategy,
} from "../../lib/training/imbalance_strategy.ts";
import {
  standardizedDataset,
  strategyTable,
  tabularCondition,
  type TabularConditionOptions,
  type TabularModelKind,
  type TabularResult,
} from "../../lib/experiments/tabular_experiment.ts";
import { buildDenseNet, buildLogisticRegression } from "../../lib/models/tabular_model.ts";
import { weightedBceByHand } from "../fixtures/first_step.ts";

await selectEngine({ backend: "wasm", log: () => {} });

/** One run of a tabular condition; the model is disposed, the scores kept. */
async function runTabularCondition(options: TabularConditionOptions): Promise<TabularResult> {
  const result = await runCondition(tabularCondition(options));
  result.model.dispose();
  return result;
}

const dir = writeCoil2000Fixture(join(Deno.makeTempDirSync(), "coil2000"), {
  trainRows: 300,
  evaluationRows: 120,
  positiveRate: 0.1,
});
const { train, evaluation } = loadCoil2000(dir);
const raw = featuresAndTarget(train);
const standardizer = fitStandardizer(raw.x, raw.featureNames.length);
const evaluationSet = standardizedDataset(evaluation, standardizer);

Deno.test("the CoIL fixture has the UCI layout: CR LF, 86 training and 85 evaluation columns", () => {
  const text = Deno.readTextFileSync(join(dir, "ticdata2000.txt"));
  assert(text.endsWith("\r\n") && text.split("\r\n")[0].split("\t").length === 86, "layout");
  assertEquals(train.height, 300);
  assertEquals(evaluation.height, 120);
  const positives = [...train.getColumn("CARAVAN")].filter((value) => value === 1).length;
  assert(positives > 10 && positives < 60, `${positives} positives of 300`);
});

Deno.test("strategyTable balances the classes by under- or oversampling, else keeps the table", () => {
  const counts = (
    strategy: ImbalanceStrategy,
  ) => [...classHistogram(strategyTable(train, strategy, 1), "CARAVAN").getColumn("count")];
  const original = counts("nothing");
  assertEquals(counts("balanced weights"), original);
  assertEquals(counts("undersampling"), [original[1], original[1]]);
  assertEquals(counts("oversampling"), [original[0], original[0]]);
});

Deno.test("tabularCondition trains each strategy and scores the evaluation rows", async () => {
  const results: TabularResult[] = [];
  for (const strategy of imbalanceStrategies) {
    results.push(
      await runTabularCondition({
        strategy,
        model: "logistic regression",
        seed: 1,
        train,
        evaluation: evaluationSet,
        standardizer,
        epochs: 2,
      }),
    );
  }
  const weighted = tabularCondition({
    strategy: "balanced weights",
    model: "logistic regression",
    seed: 1,
    train,
    evaluation: evaluationSet,
    standardizer,
    epochs: 2,
  }).classWeight!;
  assert(weighted[1] > 1 && weighted[0] < 1, "balanced weights");
  assertEquals(results[3].trainClassCounts[0], results[3].trainClassCounts[1]);
  assertEquals(results[3].settings, { model: "logistic regression", strategy: "undersampling" });
  for (const result of results) {
    assertEquals(result.test.count, 120);
    assertEquals(result.testProbabilities.length, 120);
    // Scored on the evaluation rows' own labels.
    assertEquals(result.test, scorePredictions(evaluationSet.labels, result.testProbabilities));
  }
  assertEquals(
    results.map((result) => result.name),
    imbalanceStrategies.map((strategy) => `logistic regression, ${strategy}`),
  );
});

Deno.test("tabularCondition's first step reports the cross-entropy weighted by scikit-learn's balanced weights", async () => {
  // All 300 rows as one batch: logistic regression has no dropout, so the shuffle does not matter.
  const data = standardizedDataset(train, standardizer);
  const twin = buildLogisticRegression({ inputSize: 85, seed: 4 });
  const predictions = await predictProbabilities(twin, data);
  twin.dispose();
  const positives = data.labels.reduce((count, label) => count + label, 0);
  const negatives = data.count - positives;
  // 'balanced': n / (2 · count of the class).
  const balanced = { 0: data.count / (2 * negatives), 1: data.count / (2 * positives) };
  const options = (strategy: "nothing" | "balanced weights") => ({
    strategy,
    model: "logistic regression" as const,
    seed: 4,
    train,
    evaluation: evaluationSet,
    standardizer,
    epochs: 1,
    batchSize: data.count,
  });
  const run = (strategy: "nothing" | "balanced weights") => runTabularCondition(options(strategy));
  assertEquals(tabularCondition(options("balanced weights")).classWeight, balanced);
  const weighted = await run("balanced weights");
  const expected = weightedBceByHand(data.labels, predictions, balanced);
  const plain = weightedBceByHand(data.labels, predictions);
  assert(Math.abs(expected - plain) > 0.1, `weighted ${expected} vs plain ${plain}`);
  assertAlmostEquals(weighted.history[0].loss, expected, 1e-5);
  assertAlmostEquals((await run("nothing")).history[0].loss, plain, 1e-5);
});

Deno.test("tabularCondition finds the fixture's signal (positives lean high on 5 features)", async () => {
  const result = await runTabularCondition({
    strategy: "nothing",
    model: "logistic regression",
    seed: 1,
    train,
    evaluation: evaluationSet,
    standardizer,
    epochs: 10,
    learningRate: 0.05,
  });
  // An untrained or constant model ranks at chance (0.5); the lean separates the classes.
  assert(result.test.auc > 0.95, `ROC AUC ${result.test.auc}`);
});

Deno.test("tabularCondition: the dense net is the article's network built from the run's seed, on the table's features", () => {
  const condition = tabularCondition({
    strategy: "nothing",
    model: "dense net",
    seed: 3,
    train,
    evaluation: evaluationSet,
    standardizer,
    epochs: 1,
  });
  assertEquals(condition.settings, { model: "dense net", strategy: "nothing" });
  // Runs of the study print nothing per epoch.
  assertEquals(condition.progress, "none");
  const model = condition.model!(3);
  const reference = buildDenseNet({ inputSize: 85, seed: 3 });
  assertEquals(model.inputs[0].shape, [null, 85]);
  assertEquals(
    model.getWeights().map((weight) => [...weight.dataSync()]),
    reference.getWeights().map((weight) => [...weight.dataSync()]),
  );
  model.dispose();
  reference.dispose();
});

Deno.test("tabularCondition: another target column is read when named", () => {
  const renamed = train.rename({ CARAVAN: "Response" });
  const condition = tabularCondition({
    strategy: "undersampling",
    model: "logistic regression",
    seed: 1,
    train: renamed,
    evaluation: evaluationSet,
    standardizer,
    epochs: 1,
    target: "Response",
  });
  const positives = [...train.getColumn("CARAVAN")].filter((value) => value === 1).length;
  // Undersampled on the named target: as many negatives as positives.
  assertEquals(condition.train.labels.length, 2 * positives);
});

Deno.test("tabular strategies and models: unknown names are errors listing the valid ones", async () => {
  await assertRejectsWith(
    () => strategyTable(train, "smote" as ImbalanceStrategy, 1),
    'Unknown strategy "smote"; use one of nothing, balanced weights, oversampling, undersampling.',
  );
  await assertRejectsWith(
    () =>
      tabularCondition({
        strategy: "nothing",
        model: "random forest" as TabularModelKind,
        seed: 1,
        train,
        evaluation: evaluationSet,
        standardizer,
        epochs: 1,
      }),
    'Unknown model "random forest"; use "dense net" or "logistic regression".',
  );
});
