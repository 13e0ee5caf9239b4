import { assertEquals, assertRejectsWith } from "../assert.ts";
import { byProfile, profileCaveat, profileName } from "../../lib/experiments/profile.ts";

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

Deno.test("profileName is class when PROFILE is unset, and the profile PROFILE names otherwise", () => {
  assertEquals(withProfile(undefined, profileName), "class");
  assertEquals(withProfile("class", profileName), "class");
  assertEquals(withProfile("full", profileName), "full");
  assertEquals(withProfile("quick", profileName), "quick");
});

Deno.test("byProfile picks the value of the profile in force", () => {
  const epochs = { full: 50, class: 8, quick: 1 };
  assertEquals(withProfile(undefined, () => byProfile(epochs)), 8);
  assertEquals(withProfile("class", () => byProfile(epochs)), 8);
  assertEquals(withProfile("full", () => byProfile(epochs)), 50);
  assertEquals(withProfile("quick", () => byProfile(epochs)), 1);
});

Deno.test("a PROFILE other than class, full or quick is an error naming the value and the valid ones", async () => {
  for (const value of ["Quick", "fast", "", "toString"]) {
    await assertRejectsWith(
      () => withProfile(value, profileName),
      `PROFILE is "${value}"`,
      "PROFILE=class (minutes per notebook, the default)",
      "PROFILE=full (the blog's sizes, the stored notebooks)",
      "PROFILE=quick (tiny subsets, one epoch)",
    );
    await assertRejectsWith(
      () => withProfile(value, () => byProfile({ full: 1, class: 3, quick: 2 })),
      value,
    );
  }
});

Deno.test("profileCaveat is empty in the full profile and names the profile and the fix otherwise", () => {
  assertEquals(withProfile("full", profileCaveat), "");
  for (const [profile, name] of [["class", "Class"], [undefined, "Class"], ["quick", "Quick"]]) {
    const caveat = withProfile(profile, profileCaveat);
    assertEquals(caveat.startsWith(`*${name} profile (`), true, caveat);
    assertEquals(caveat.includes("`PROFILE=full`"), true, caveat);
    assertEquals(caveat.endsWith("*\n\n"), true, caveat);
  }
});

Deno.test("byProfile without a value for the profile in force names the profile and the keys given", async () => {
  const fullAndQuick = { full: 10, quick: 1 } as unknown as Record<
    "class" | "full" | "quick",
    number
  >;
  await assertRejectsWith(
    () => withProfile("class", () => byProfile(fullAndQuick)),
    "no value for the class profile",
    "name one for each of class, full, quick (given: full, quick)",
  );
  assertEquals(withProfile("quick", () => byProfile(fullAndQuick)), 1);
});
