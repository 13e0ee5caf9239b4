/**
 * `deno task data`: downloads the CIFAR-10 binary archive, checks its MD5 and
 * writes its cats and dogs to `data/cifar10_cats_dogs/{train,test}/{cats,dogs}/`
 * and, from the same download, its six classes that are neither cats nor dogs
 * to `data/cifar10_other_classes/{train,test}/{airplane,bird,deer,frog,horse,ship}/`
 * (what `deno task pretrain` trains the offline base on). A folder already
 * complete is kept; nothing is downloaded when both are.
 *
 *     deno task data [--url URL] [--md5 HEX] [--dest FOLDER] [--other-dest FOLDER]
 *                    [--cats-dogs-only]
 *
 * The URL can also come from the environment variable CIFAR10_URL (e.g. a
 * local mirror).
 */
import { parseArgs } from "node:util";
import {
  CIFAR10_CLASSES,
  CIFAR10_MD5,
  CIFAR10_OTHER_CLASSES,
  CIFAR10_URL,
  type Cifar10Destination,
  defaultCatsDogsRoot,
  defaultOtherClassesRoot,
  downloadCifar10,
} from "../lib/data/cifar10.ts";
import { stderrProgressBar } from "../lib/data/download.ts";

const usage = "Usage: deno task data [--url URL] [--md5 HEX] [--dest FOLDER] " +
  "[--other-dest FOLDER] [--cats-dogs-only]";

function parseOptions() {
  try {
    const { values } = parseArgs({
      args: Deno.args,
      options: {
        url: { type: "string" },
        md5: { type: "string" },
        dest: { type: "string" },
        "other-dest": { type: "string" },
        "cats-dogs-only": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(
        `${usage}\nDefaults: --url ${CIFAR10_URL} (or $CIFAR10_URL), ` +
          `--md5 ${CIFAR10_MD5}, --dest ${defaultCatsDogsRoot()}, ` +
          `--other-dest ${defaultOtherClassesRoot()}`,
      );
      Deno.exit(0);
    }
    const destinations: Cifar10Destination[] = [
      { destination: values.dest ?? defaultCatsDogsRoot(), classes: CIFAR10_CLASSES },
    ];
    if (!values["cats-dogs-only"]) {
      destinations.push({
        destination: values["other-dest"] ?? defaultOtherClassesRoot(),
        classes: CIFAR10_OTHER_CLASSES,
      });
    }
    return {
      url: values.url ?? Deno.env.get("CIFAR10_URL") ?? CIFAR10_URL,
      md5: values.md5 ?? CIFAR10_MD5,
      destinations,
    };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${usage}`);
    Deno.exit(2);
  }
}

async function main() {
  const { url, md5, destinations } = parseOptions();
  const bar = stderrProgressBar("cifar-10-binary.tar.gz");
  console.error(
    `CIFAR-10: ${url} -> ${destinations.map(({ destination }) => destination).join(", ")}`,
  );
  let results;
  try {
    results = await downloadCifar10(destinations, { url, md5, onProgress: bar.update });
  } catch (error) {
    bar.finish();
    console.error(`Error: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
  bar.finish();
  for (const result of results) {
    if (result.alreadyPresent) {
      console.log(`${result.destination} is already complete; nothing written.`);
      continue;
    }
    const describe = (split: "train" | "test") =>
      Object.entries(result.counts![split]).map(([name, count]) => `${count} ${name}`).join(", ");
    console.log(
      `Wrote ${result.destination}: train ${describe("train")}; test ${describe("test")}.`,
    );
  }
}

await main();
