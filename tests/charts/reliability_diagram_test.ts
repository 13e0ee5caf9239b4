import assert from "node:assert/strict";
import { reliabilityDiagram } from "../../lib/charts/reliability_diagram.ts";
import { reliabilityBins } from "../../lib/metrics/calibration.ts";
import { assertDisplayable, parseSvg } from "../fixtures/chart_svg.ts";

Deno.test("reliabilityDiagram draws the diagonal and one line per model through its non-empty bins", () => {
  const labels = [0, 0, 1, 1, 0, 1];
  const probabilities = [0.05, 0.15, 0.85, 0.95, 0.9, 0.1];
  const chart = reliabilityDiagram([
    { label: "model", bins: reliabilityBins(labels, probabilities, 10) },
    { label: "other", bins: reliabilityBins(labels, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 10) },
  ]);
  assertDisplayable(chart);
  const document = parseSvg(chart);
  // The diagonal plus one line per model.
  assert.equal(document.querySelectorAll('g[aria-label="line"] path').length, 3);
  // Non-empty bins: 0.0, 0.1, 0.8 and 0.9 for the model, 0.5 for the other.
  assert.equal(document.querySelectorAll('g[aria-label="dot"] circle').length, 5);
  assert.throws(
    () => reliabilityDiagram([{ label: "a", bins: [] }, { label: "a", bins: [] }]),
    /the label "a" is used twice/,
  );
});
