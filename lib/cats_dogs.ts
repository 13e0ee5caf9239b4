import { catsDogsDir, loadImageFolder } from "./image_folder.ts";
import type { ImageSet } from "./image_set.ts";

/**
 * Loads the cats-and-dogs training folder (`CATS_DOGS_DIR`, else the one
 * `deno task data` writes) into memory and prints what it loaded and how long
 * it took, the first step of every notebook of the series.
 */
export async function loadCatsDogs(options: { size?: number | [number, number] } = {}): Promise<
  ImageSet
> {
  const dir = catsDogsDir();
  const started = performance.now();
  const images = await loadImageFolder(dir, { size: options.size });
  const seconds = (performance.now() - started) / 1000;
  const counts = images.classNames.map((name, label) =>
    `${images.labels.filter((value) => value === label).length.toLocaleString("en-US")} ${name}`
  );
  console.log(
    `Loaded ${counts.join(" and ")} (${images.height}x${images.width} px) from ${dir} ` +
      `in ${seconds.toFixed(1)} s.`,
  );
  return images;
}
