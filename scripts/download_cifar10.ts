/**
 * `deno task data`: downloads the CIFAR-10 binary archive, checks its MD5 and
 * writes its cats and dogs to `data/cifar10_cats_dogs/{train,test}/{cats,dogs}/`.
 *
 *     deno task data [--url URL] [--md5 HEX] [--dest FOLDER]
 *
 * The URL can also come from the environment variable CIFAR10_URL (e.g. a
 * local mirror).
 */
import { parseArgs } from "node:util";
import {
  CIFAR10_MD5,
  CIFAR10_URL,
  defaultCatsDogsRoot,
  downloadCifar10CatsDogs,
} from "../lib/cifar10.ts";
import { stderrProgressBar } from "../lib/download.ts";

const usage = "Usage: deno task data [--url URL] [--md5 HEX] [--dest FOLDER]";

function parseOptions(): { url: string; md5: string; destination: string } {
  try {
    const { values } = parseArgs({
      args: Deno.args,
      options: {
        url: { type: "string" },
        md5: { type: "string" },
        dest: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(
        `${usage}\nDefaults: --url ${CIFAR10_URL} (or $CIFAR10_URL), ` +
          `--md5 ${CIFAR10_MD5}, --dest ${defaultCatsDogsRoot()}`,
      );
      Deno.exit(0);
    }
    return {
      url: values.url ?? Deno.env.get("CIFAR10_URL") ?? CIFAR10_URL,
      md5: values.md5 ?? CIFAR10_MD5,
      destination: values.dest ?? defaultCatsDogsRoot(),
    };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${usage}`);
    Deno.exit(2);
  }
}

async function main() {
  const { url, md5, destination } = parseOptions();
  const bar = stderrProgressBar("cifar-10-binary.tar.gz");
  console.error(`CIFAR-10 cats and dogs: ${url} -> ${destination}`);
  let result;
  try {
    result = await downloadCifar10CatsDogs({ url, md5, destination, onProgress: bar.update });
  } catch (error) {
    bar.finish();
    console.error(`Error: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
  bar.finish();
  if (result.alreadyPresent) {
    console.log(`${destination} is already complete; nothing downloaded.`);
    return;
  }
  const { train, test } = result.counts!;
  console.log(
    `Wrote ${destination}: train ${train.cats} cats, ${train.dogs} dogs; ` +
      `test ${test.cats} cats, ${test.dogs} dogs.`,
  );
}

await main();
