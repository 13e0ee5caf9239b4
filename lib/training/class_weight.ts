/**
 * Class weights that make every class count as much in the loss as if the
 * classes were balanced, with scikit-learn's `compute_class_weight("balanced")`
 * definition, for the MNIST and insurance tutorials.
 */

/**
 * Weight of each class: `n_samples / (n_classes × count of the class)`, as
 * scikit-learn's "balanced" mode. `classes` defaults to the distinct labels,
 * sorted; when given, every label must be one of them and every class must
 * occur (scikit-learn raises on both too).
 */
export function computeClassWeight(
  labels: ArrayLike<number>,
  mode: "balanced",
  classes?: readonly number[],
): Record<number, number> {
  if (mode !== "balanced") {
    throw new Error(`computeClassWeight: unknown mode "${mode}"; the only mode is "balanced".`);
  }
  if (labels.length === 0) {
    throw new Error("computeClassWeight: no labels given; pass the training labels.");
  }
  const counts = new Map<number, number>();
  for (let index = 0; index < labels.length; index++) {
    counts.set(labels[index], (counts.get(labels[index]) ?? 0) + 1);
  }
  const classList = classes ?? [...counts.keys()].sort((a, b) => a - b);
  if (new Set(classList).size !== classList.length) {
    throw new Error(
      `computeClassWeight: classes [${classList.join(", ")}] has duplicates; list each class once.`,
    );
  }
  const unlisted = [...counts.keys()].filter((label) => !classList.includes(label));
  if (unlisted.length > 0) {
    throw new Error(
      `computeClassWeight: labels [${unlisted.join(", ")}] are not in classes ` +
        `[${
          classList.join(", ")
        }]; classes should include all valid labels that can be in the labels.`,
    );
  }
  const absent = classList.filter((label) => !counts.has(label));
  if (absent.length > 0) {
    throw new Error(
      `computeClassWeight: classes [${absent.join(", ")}] have no examples in the labels, ` +
        `so their balanced weight would be infinite; remove them from classes or add examples.`,
    );
  }
  const weights: Record<number, number> = {};
  for (const label of classList) {
    weights[label] = labels.length / (classList.length * counts.get(label)!);
  }
  return weights;
}
