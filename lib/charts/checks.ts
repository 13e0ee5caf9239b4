/**
 * Input checks shared by the chart functions: a chart of bad data would be
 * silently wrong, so each problem is an error that names the value and the fix.
 */
import type { History } from "../training/history.ts";

/** Throws unless `value` is a finite number; `name` says where it came from. */
export function requireFinite(value: unknown, name: string, chart: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`${chart}: ${name} is ${String(value)}, not a finite number; fix or drop it.`);
  }
  return value;
}

/** Throws unless `value` is a count (a finite integer ≥ 0). */
export function requireCount(value: unknown, name: string, chart: string): number {
  const number = requireFinite(value, name, chart);
  if (number < 0 || !Number.isInteger(number)) {
    throw new Error(`${chart}: ${name} is ${number}, but counts must be whole numbers ≥ 0.`);
  }
  return number;
}

/** Throws unless `array` has at least one element; `fix` tells the caller what to pass. */
export function requireNonEmpty(
  array: readonly unknown[] | undefined,
  name: string,
  chart: string,
  fix: string,
): void {
  if (!Array.isArray(array) || array.length === 0) {
    throw new Error(`${chart}: ${name} is empty; ${fix}.`);
  }
}

/** Throws unless the history has epochs with finite training losses. */
export function requireHistory(history: History, name: string, chart: string): History {
  requireNonEmpty(
    history,
    name,
    chart,
    "pass the History a training run returned (one record per epoch) after at least one epoch",
  );
  history.forEach((epoch, index) => {
    requireFinite(epoch.loss, `${name}[${index}].loss (epoch ${epoch.epoch})`, chart);
    if (epoch.valLoss !== undefined) {
      requireFinite(epoch.valLoss, `${name}[${index}].valLoss (epoch ${epoch.epoch})`, chart);
    }
  });
  return history;
}

/** Throws when two series share a label (their lines could not be told apart). */
export function requireUniqueLabels(labels: readonly string[], chart: string): void {
  const seen = new Set<string>();
  for (const label of labels) {
    if (seen.has(label)) {
      throw new Error(
        `${chart}: the label "${label}" is used twice; give every series its own label.`,
      );
    }
    seen.add(label);
  }
}

/**
 * Throws unless every curve has points and each point's `keys` are rates (finite, within
 * [0, 1]); returns all the points with their curve's label, ready for one line per label.
 */
export function requireRateCurves<K extends string>(
  curves: readonly { label: string; points: readonly Readonly<Record<K, number>>[] }[],
  keys: readonly K[],
  chart: string,
): ({ label: string } & Record<K, number>)[] {
  return curves.flatMap((curve) => {
    requireNonEmpty(curve.points, `"${curve.label}".points`, chart, "give each curve its points");
    return curve.points.map((point, index) => {
      const rates = {} as Record<K, number>;
      for (const key of keys) {
        const value = requireFinite(point[key], `"${curve.label}".points[${index}].${key}`, chart);
        if (value < 0 || value > 1) {
          throw new Error(
            `${chart}: "${curve.label}".points[${index}].${key} is ${value}; rates lie within [0, 1].`,
          );
        }
        rates[key] = value;
      }
      return { label: curve.label, ...rates };
    });
  });
}
