/**
 * The run profile a notebook follows, chosen by the `PROFILE` environment
 * variable so one notebook serves every use:
 *
 * - `class` (the default): smaller subsets, fewer epochs and seeds, so that
 *   every notebook finishes within about five minutes on two CPU cores and
 *   still shows what it teaches; each notebook says which of its conclusions
 *   hold in it and which need the full run.
 * - `full`: the blog's sizes; its runs are the stored notebooks.
 * - `quick`: tiny subsets and one or two epochs, for smoke tests and CI.
 */
export type ProfileName = "class" | "full" | "quick";

/** What each profile is for, as the error for an unknown `PROFILE` lists them. */
const PROFILE_PURPOSES: Record<ProfileName, string> = {
  class: "minutes per notebook, the default",
  full: "the blog's sizes, the stored notebooks",
  quick: "tiny subsets, one epoch",
};

/**
 * The profile named by `PROFILE` (default "class"); any other value is an
 * error naming the valid ones.
 *
 * @example
 * ```ts
 * import { profileName } from "./profile.ts";
 * console.log(`Profile: ${profileName()}`); // "Profile: class" when PROFILE is unset
 * ```
 */
export function profileName(): ProfileName {
  const value = Deno.env.get("PROFILE") ?? "class";
  if (!Object.hasOwn(PROFILE_PURPOSES, value)) {
    const valid = Object.entries(PROFILE_PURPOSES)
      .map(([name, purpose]) => `PROFILE=${name} (${purpose})`)
      .join(", ");
    throw new Error(`PROFILE is "${value}": use ${valid}.`);
  }
  return value as ProfileName;
}

/**
 * The value for the current profile; every profile is named, so a notebook
 * states its sizes for each one where it uses them.
 *
 * @example
 * ```ts
 * import { byProfile } from "./profile.ts";
 * const epochs = byProfile({ full: 10, class: 4, quick: 1 });
 * ```
 */
export function byProfile<T>(choices: Record<ProfileName, T>): T {
  const profile = profileName();
  if (!Object.hasOwn(choices, profile)) {
    throw new Error(
      `byProfile has no value for the ${profile} profile: name one for each of ` +
        `${Object.keys(PROFILE_PURPOSES).join(", ")} (given: ` +
        `${Object.keys(choices).join(", ") || "none"}).`,
    );
  }
  return choices[profile];
}

/**
 * The line a notebook puts with the sentences it writes from its own
 * results (above them, or in place of the conclusions): empty in the full
 * profile; otherwise it says that the run is smaller and that the notebook's
 * conclusions are stated and checked only on the full profile's runs.
 *
 * @example
 * ```ts
 * import { profileCaveat } from "./profile.ts";
 * const text = `${profileCaveat()}Recall rose from 0.41 to 0.70.`;
 * ```
 */
export function profileCaveat(): string {
  const profile = profileName();
  if (profile === "full") return "";
  const size = profile === "class"
    ? "smaller data, fewer seeds and epochs"
    : "tiny data, one or two epochs, two seeds";
  return `*${profile[0].toUpperCase()}${profile.slice(1)} profile (${size}): the sentences ` +
    "written from this run describe whatever it gave; the conclusions are stated and checked " +
    "only in the full profile (`PROFILE=full`).*\n\n";
}
