/**
 * `deno task pretrain`: trains the offline base (lib/models/pretrained/pretrain.ts)
 * on CIFAR-10's six classes that are neither cats nor dogs and saves it as a
 * TensorFlow.js layers model with a README giving how it was made and how
 * well it does.
 *
 *     TFJS_WASM_THREADS=1 deno task pretrain [--seed N] [--epochs N] [--out FOLDER]
 *
 * Images come from `$OTHER_CLASSES_DIR` (default `data/cifar10_other_classes`),
 * which holds `train/` and `test/` with one sub-folder per class.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { selectEngine } from "../lib/engine/select_engine.ts";
import { loadImageFolder } from "../lib/data/image_folder.ts";
import { modelFolder } from "../lib/models/pretrained/model_folder.ts";
import { pretrainBase, weightsSha256 } from "../lib/models/pretrained/pretrain.ts";
import { imageCount } from "../lib/data/image_set.ts";

const usage = "Usage: TFJS_WASM_THREADS=1 deno task pretrain [--seed N] [--epochs N] " +
  "[--out FOLDER]";
const projectRoot = fileURLToPath(new URL("..", import.meta.url));

function wholeNumber(text: string | undefined, fallback: number, name: string, min: number) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be a whole number ≥ ${min}, got "${text}".\n${usage}`);
    Deno.exit(2);
  }
  return value;
}

function parseOptions() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seed: { type: "string" },
      epochs: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(usage);
    Deno.exit(0);
  }
  return {
    seed: wholeNumber(values.seed, 1, "seed", 0),
    epochs: wholeNumber(values.epochs, 4, "epochs", 1),
    out: values.out ?? join(projectRoot, "models", "cifar6-base"),
    dataDir: Deno.env.get("OTHER_CLASSES_DIR") ||
      join(projectRoot, "data", "cifar10_other_classes"),
  };
}

/** How the base was made: written to its README and to model.json's user-defined metadata. */
interface PretrainingFacts {
  seed: number;
  epochs: number;
  classNames: readonly string[];
  trainCount: number;
  testCount: number;
  testAccuracy: number;
  trainSeconds: number;
  engine: string;
  sha256: string;
}

/** The README of the saved base, its figures filled from this run. */
function readme(facts: PretrainingFacts): string {
  const minutes = (facts.trainSeconds / 60).toFixed(1);
  return `# cifar6-base: a base pretrained here, offline

A small CNN trained by \`deno task pretrain\` (scripts/pretrain_base.ts) on
CIFAR-10's six classes that are neither cats nor dogs, so that a frozen copy
of it can serve the cats-vs-dogs notebooks as a pretrained base on machines
that cannot download ImageNet weights. It has never seen a cat or a dog. It is
a TensorFlow.js layers model: load it with \`loadPretrainedModel("models/cifar6-base")\`.

| | |
| --- | --- |
| architecture | conv 3x3 32/64/128 (ReLU, 2x2 max-pooling each), flatten, dense 128, softmax 6 |
| classes | ${facts.classNames.join(", ")} |
| training images | ${facts.trainCount} (CIFAR-10 training split) |
| training | ${facts.epochs} epochs, Adam 1e-3, batch 32, seed ${facts.seed} |
| test accuracy (six classes) | ${facts.testAccuracy.toFixed(4)} on ${facts.testCount} test images |
| training wall time | ${minutes} min, ${facts.engine} |
| weights SHA-256 | \`${facts.sha256}\` |

Reproduce it (the same seed gives the same weights bit for bit on one wasm
thread; compare the SHA-256 printed at the end):

    OTHER_CLASSES_DIR=/path/to/cifar10_other_classes TFJS_WASM_THREADS=1 \\
      deno task pretrain --seed ${facts.seed} --epochs ${facts.epochs}

This file is written by that command.
`;
}

async function main() {
  const options = parseOptions();
  const engine = await selectEngine();
  console.error(`Loading images from ${options.dataDir} …`);
  const train = await loadImageFolder(join(options.dataDir, "train"), { size: 32 });
  const test = await loadImageFolder(join(options.dataDir, "test"), { size: 32 });
  console.error(
    `${imageCount(train)} training and ${imageCount(test)} test images of ` +
      `${
        train.classNames.join(", ")
      }; training ${options.epochs} epochs from seed ${options.seed}.`,
  );
  const base = await pretrainBase(train, test, {
    seed: options.seed,
    epochs: options.epochs,
    progress: "lines",
  });
  const sha256 = await weightsSha256(base.model);
  const engineText = engine.threads === undefined
    ? engine.backend
    : `${engine.backend}, ${engine.threads} thread${engine.threads === 1 ? "" : "s"}`;
  const facts: PretrainingFacts = {
    seed: options.seed,
    epochs: options.epochs,
    classNames: base.classNames,
    trainCount: imageCount(train),
    testCount: imageCount(test),
    testAccuracy: base.testAccuracy,
    trainSeconds: base.trainSeconds,
    engine: engineText,
    sha256,
  };
  // Stored in model.json, so that a notebook loading the base can say how it was made.
  base.model.setUserDefinedMetadata({ pretraining: { ...facts } });
  await base.model.save(modelFolder(options.out));
  await Deno.writeTextFile(join(options.out, "README.md"), readme(facts));
  console.log(
    `Saved ${options.out}: six-class test accuracy ${base.testAccuracy.toFixed(4)}, ` +
      `training ${base.trainSeconds.toFixed(0)} s on ${engineText}, weights SHA-256 ${sha256}.`,
  );
}

await main();
