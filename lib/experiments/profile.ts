/**
 * The run profile a notebook follows: `full` (the blog's sizes, the default)
 * or `quick` (tiny subsets and one epoch, for smoke tests and CI), chosen by
 * the `PROFILE` environment variable so one notebook serves both.
 */
export type ProfileName = "full" | "quick";

/** The profile named by `PROFILE` (default "full"); any other value is an error naming the valid ones. */
export function profileName(): ProfileName {
  const value = Deno.env.get("PROFILE") ?? "full";
  if (value !== "full" && value !== "quick") {
    throw new Error(
      `PROFILE is "${value}": use PROFILE=full (the blog's sizes, the default) or PROFILE=quick ` +
        "(tiny subsets, one epoch).",
    );
  }
  return value;
}

/** The value for the current profile: `byProfile({ full: 10, quick: 1 })`. */
export function byProfile<T>(choices: { full: T; quick: T }): T {
  return choices[profileName()];
}
