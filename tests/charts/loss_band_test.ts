import assert from "node:assert/strict";
import { lossBand } from "../../lib/charts/loss_band.ts";
import { assertDisplayable, parseSvg, texts } from "../fixtures/chart_svg.ts";
import { fakeHistory } from "../fixtures/fake_history.ts";

Deno.test("lossBand draws each run, and the mean and band per label and split", () => {
  const chart = lossBand([
    { label: "balanced", histories: [fakeHistory(4), fakeHistory(4, 0.05)] },
    { label: "weighted", histories: [fakeHistory(4, 0.1), fakeHistory(3, 0.12)] },
  ]);
  assertDisplayable(chart);
  const document = parseSvg(chart);
  const meanPaths = document.querySelectorAll('g[aria-label="line"][stroke-width="2.5"] path');
  assert.equal(meanPaths.length, 4); // 2 labels × training and validation
  assert.equal(document.querySelectorAll('g[aria-label="line"] path').length, 4 + 8);
  assert.equal(document.querySelectorAll('g[aria-label="area"] path').length, 4);
  assert.ok(texts(chart).includes("weighted (2 runs)"));
});

/** The number of points a line's path joins. */
const vertices = (path: { getAttribute(name: string): string | null }) =>
  (path.getAttribute("d") ?? "").match(/[ML]/g)?.length ?? 0;

Deno.test("lossBand averages only the epochs every run reached and marks where runs stop", () => {
  const chart = lossBand([{
    label: "balanced validation",
    histories: [fakeHistory(20), fakeHistory(18, 0.02), fakeHistory(22, -0.02)],
  }], { validation: false });
  const document = parseSvg(chart);
  const [mean] = document.querySelectorAll('g[aria-label="line"][stroke-width="2.5"] path');
  assert.equal(vertices(mean), 18); // not 22, where one run is left
  const runs = document.querySelectorAll('g[aria-label="line"][stroke-opacity="0.45"] path');
  assert.deepEqual(runs.map(vertices).sort((a, b) => a - b), [18, 20, 22]);
  const [band] = document.querySelectorAll('g[aria-label="area"] path');
  assert.equal(vertices(band), 2 * 18);
  assert.equal(document.querySelectorAll('g[aria-label="dot"] circle').length, 3);
  assert.ok(texts(chart).includes("balanced validation (3 runs)"));
  assert.ok(texts(chart).join(" ").includes("every run of the setup reached"));
});

Deno.test("lossBand rejects a label without histories and duplicate labels", () => {
  assert.throws(() => lossBand([]), /runs is empty/);
  assert.throws(
    () => lossBand([{ label: "a", histories: [] }]),
    /runs "a"\.histories is empty/,
  );
  assert.throws(
    () =>
      lossBand([{ label: "a", histories: [fakeHistory(2)] }, {
        label: "a",
        histories: [fakeHistory(2)],
      }]),
    /label "a" is used twice/,
  );
});
