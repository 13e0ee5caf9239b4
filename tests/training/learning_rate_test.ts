/** setLearningRate (lib/training/learning_rate.ts) on every tfjs optimizer and the library's Adam. */
import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals } from "../assert.ts";
import { adam } from "../../lib/training/adam.ts";
import { setLearningRate } from "../../lib/training/learning_rate.ts";

await tf.setBackend("cpu");

Deno.test("setLearningRate changes the step every tfjs optimizer takes next, SGD and momentum included", () => {
  const optimizers: [string, (rate: number) => tf.Optimizer][] = [
    ["sgd", (rate) => tf.train.sgd(rate)],
    ["momentum", (rate) => tf.train.momentum(rate, 0.9)],
    ["adam", (rate) => tf.train.adam(rate)],
    ["library adam", (rate) => adam(rate)],
    ["rmsprop", (rate) => tf.train.rmsprop(rate)],
    ["adagrad", (rate) => tf.train.adagrad(rate)],
    ["adadelta", (rate) => tf.train.adadelta(rate)],
  ];
  for (const [name, make] of optimizers) {
    // Two steps on f(x) = x² from x = 1 at rate 0.1, the second one possibly after
    // setLearningRate(0.01): each of these optimizers scales its step linearly with its rate.
    const run = (changeRate: boolean) => {
      const optimizer = make(0.1);
      const x = tf.variable(tf.scalar(1));
      const step = () => optimizer.minimize(() => tf.square(x) as tf.Scalar, false, [x]);
      step();
      if (changeRate) setLearningRate(optimizer, 0.01);
      const before = x.dataSync()[0];
      step();
      const delta = x.dataSync()[0] - before;
      optimizer.dispose();
      x.dispose();
      return delta;
    };
    const steady = run(false);
    const reduced = run(true);
    assertAlmostEquals(reduced / steady, 0.1, 1e-3, `${name}: step ratio ${reduced / steady}`);
  }
});
