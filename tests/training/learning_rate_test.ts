/** setLearningRate (lib/training/learning_rate.ts) on every tfjs optimizer and the library's Adam. */
import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertRejectsWith } from "../assert.ts";
import { adam } from "../../lib/training/adam.ts";
import { getLearningRate, setLearningRate } from "../../lib/training/learning_rate.ts";

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

Deno.test("getLearningRate reads the rate an optimizer was made with, and a set one", () => {
  const optimizer = tf.train.adam(0.25);
  assertEquals(getLearningRate(optimizer), 0.25);
  setLearningRate(optimizer, 0.125);
  assertEquals(getLearningRate(optimizer), 0.125);
  optimizer.dispose();
});

Deno.test("setLearningRate refuses rates that are not positive and finite, and optimizers without a rate", async () => {
  const optimizer = tf.train.sgd(0.1);
  for (const rate of [0, -0.1, NaN, Infinity]) {
    await assertRejectsWith(
      () => setLearningRate(optimizer, rate),
      `A learning rate must be a positive finite number, got ${rate}.`,
    );
  }
  assertEquals(getLearningRate(optimizer), 0.1, "a refused rate changes nothing");
  optimizer.dispose();
  const rateless = { getClassName: () => "Rateless" } as unknown as tf.Optimizer;
  for (const call of [() => getLearningRate(rateless), () => setLearningRate(rateless, 0.1)]) {
    await assertRejectsWith(
      call,
      "Optimizer Rateless has no numeric learningRate",
      "use one of tf.train.adam, rmsprop, sgd",
    );
  }
});
