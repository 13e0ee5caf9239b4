import { assertEquals, assertRejectsWith } from "../assert.ts";
import { byProfile, profileName } from "../../lib/experiments/profile.ts";

/** Runs `fn` with PROFILE set to `value` (unset for undefined), then restores it as it was. */
function withProfile<T>(value: string | undefined, fn: () => T): T {
  const before = Deno.env.get("PROFILE");
  if (value === undefined) Deno.env.delete("PROFILE");
  else Deno.env.set("PROFILE", value);
  try {
    return fn();
  } finally {
    if (before === undefined) Deno.env.delete("PROFILE");
    else Deno.env.set("PROFILE", before);
  }
}

Deno.test("profileName is full when PROFILE is unset, and the profile PROFILE names otherwise", () => {
  assertEquals(withProfile(undefined, profileName), "full");
  assertEquals(withProfile("full", profileName), "full");
  assertEquals(withProfile("quick", profileName), "quick");
});

Deno.test("byProfile picks the value of the profile in force", () => {
  const epochs = { full: 50, quick: 1 };
  assertEquals(withProfile(undefined, () => byProfile(epochs)), 50);
  assertEquals(withProfile("full", () => byProfile(epochs)), 50);
  assertEquals(withProfile("quick", () => byProfile(epochs)), 1);
});

Deno.test("a PROFILE other than full or quick is an error naming the value and both valid ones", async () => {
  for (const value of ["Quick", "fast", ""]) {
    await assertRejectsWith(
      () => withProfile(value, profileName),
      `PROFILE is "${value}"`,
      "PROFILE=full",
      "PROFILE=quick (tiny subsets, one epoch)",
    );
    await assertRejectsWith(
      () => withProfile(value, () => byProfile({ full: 1, quick: 2 })),
      value,
    );
  }
});
