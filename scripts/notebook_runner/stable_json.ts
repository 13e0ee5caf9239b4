/**
 * JSON text written exactly the way Jupyter (Python's `json.dumps(nb, sort_keys=True, indent=1,
 * ensure_ascii=False)`) writes notebooks, so that re-running a notebook changes only the bytes whose
 * content really changed.
 */

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | {
  [key: string]: JsonValue;
};

/**
 * Serializes `value` with keys sorted by code point, one space of indentation per level, `","` and `": "` as
 * separators, non-ASCII characters kept as they are, and `[]`/`{}` for empty
 * containers, as Python does; object members that are `undefined` are left out, as in
 * `JSON.stringify`. No trailing newline.
 */
export function stringifyLikePython(value: unknown): string {
  return serialize(value, "");
}

function serialize(value: unknown, indent: string): string {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") return formatNumberLikePython(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "object") {
    throw new Error(
      `Cannot write a ${typeof value} to a notebook: only JSON values can be stored. ` +
        "Convert it to a string, number, boolean, array or object first.",
    );
  }
  const inner = indent + " ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return "[\n" + value.map((item) => inner + serialize(item, inner)).join(",\n") + "\n" + indent +
      "]";
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort(
    compareCodePoints,
  );
  if (keys.length === 0) return "{}";
  const members = keys.map((key) =>
    inner + JSON.stringify(key) + ": " + serialize(record[key], inner)
  );
  return "{\n" + members.join(",\n") + "\n" + indent + "}";
}

/** Python sorts strings by code point; JavaScript's default sort compares UTF-16 code units. */
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const difference = left[i].codePointAt(0)! - right[i].codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/**
 * Integers as digits; other numbers as JavaScript's shortest round-trip form with Python's
 * two-digit exponent (`1e-07`, not `1e-7`). Python switches to exponent notation earlier than
 * JavaScript for floats, a difference that cannot be told apart after `JSON.parse`.
 */
function formatNumberLikePython(value: number): string {
  if (!Number.isFinite(value)) {
    throw new Error(
      `Cannot write the number ${value} to a notebook: JSON has no NaN or Infinity. ` +
        "Store it as a string instead.",
    );
  }
  const text = String(value);
  return text.replace(/e([+-])(\d)$/, "e$10$2");
}
