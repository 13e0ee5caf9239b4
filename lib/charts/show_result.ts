import { displayChart, inJupyter, table } from "./display.ts";
import { type ConditionResult, resultRows } from "../experiments/experiment.ts";
import { confusionMatrix } from "./confusion_matrix.ts";
import { lossCurve } from "./loss_curve.ts";

/**
 * Shows what the series shows after each experiment: the loss curves, the
 * test metrics and the test confusion matrix (cats = negative, dogs =
 * positive). Inside Jupyter the three appear in the cell's output; elsewhere
 * the table is printed.
 */
export async function showResult(result: ConditionResult): Promise<void> {
  const rows = table(resultRows([result]), { caption: `${result.name}: test set` });
  await displayChart(lossCurve(result.history, { title: `${result.name}: loss per epoch` }));
  await displayChart(rows);
  await displayChart(confusionMatrix(result.test, {
    classNames: ["cat", "dog"],
    title: `${result.name}: test confusion matrix`,
    subtitle: `${result.test.count} test images, ${
      Math.round(result.test.prevalence * 100)
    } % dogs`,
  }));
  if (!inJupyter()) console.log(rows.toString());
}
