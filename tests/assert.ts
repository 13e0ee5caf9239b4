/**
 * The assertions the tests use: `node:assert`'s strict versions under the
 * names Deno's standard library gives them (jsr:@std/assert is unreachable here).
 */
import assertModule from "node:assert/strict";

/** Throws unless `condition` is truthy. */
export function assert(condition: unknown, message?: string): asserts condition {
  assertModule.ok(condition, message === undefined ? undefined : new Error(message));
}

/** Throws unless `actual` and `expected` are deeply equal. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assertModule.deepStrictEqual(
    actual,
    expected,
    message === undefined ? undefined : new Error(message),
  );
}

/** Throws unless `actual` is within `tolerance` of `expected`. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance = 1e-7,
  message?: string,
): void {
  assert(
    Math.abs(actual - expected) <= tolerance,
    message ?? `expected ${actual} to be within ${tolerance} of ${expected}`,
  );
}

/** Throws unless `fn` throws an error whose message contains every one of `fragments`. */
export async function assertRejectsWith(
  fn: () => unknown,
  ...fragments: string[]
): Promise<Error> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  assert(caught instanceof Error, "expected an error to be thrown");
  for (const fragment of fragments) {
    assert(
      caught.message.includes(fragment),
      `error message "${caught.message}" lacks "${fragment}"`,
    );
  }
  return caught;
}
