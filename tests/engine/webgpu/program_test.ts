import { assert, assertEquals } from "../../assert.ts";
import { PerElementProgram, type PerElementShader } from "../../../lib/engine/webgpu/program.ts";

const shader: PerElementShader = {
  variableNames: ["x", "mask"],
  uniforms: "rate : f32, seed : u32,",
  shaderKey: "test_program_rate",
  body: "setOutputAtIndex(index, twice(getXByOutputIndex(index)));",
  functions: "fn twice(value : f32) -> f32 { return 2.0 * value; }",
};

Deno.test("PerElementProgram dispatches one thread per output element, 128 to a workgroup", () => {
  const workgroups = (shape: number[]) => new PerElementProgram(shape, shader).dispatch;
  assertEquals(workgroups([1]), [1, 1, 1]);
  assertEquals(workgroups([128]), [1, 1, 1]);
  assertEquals(workgroups([129]), [2, 1, 1]);
  // 3 × 100 = 300 elements: ⌈300 / 128⌉ = 3 workgroups.
  assertEquals(workgroups([3, 100]), [3, 1, 1]);
  assertEquals(workgroups([32, 8, 8, 64]), [32 * 8 * 8 * 64 / 128, 1, 1]);
  const program = new PerElementProgram([3, 100], shader);
  assertEquals(program.workgroupSize, [128, 1, 1]);
  // Every axis maps to the flat x index, and tfjs passes the element count as uniforms.size.
  assertEquals(program.dispatchLayout, { x: [0, 1] });
  assertEquals(new PerElementProgram([2, 3, 4, 5], shader).dispatchLayout, { x: [0, 1, 2, 3] });
  assertEquals(program.size, true);
  assertEquals(program.outputShape, [3, 100]);
});

Deno.test("PerElementProgram passes the shader's inputs, uniforms and key to tfjs", () => {
  const program = new PerElementProgram([4], shader);
  assertEquals(program.variableNames, ["x", "mask"]);
  assertEquals(program.uniforms, "rate : f32, seed : u32,");
  assertEquals(program.shaderKey, "test_program_rate");
});

Deno.test("PerElementProgram's WGSL runs the body for the elements below uniforms.size, after the functions", () => {
  const code = new PerElementProgram([4], shader).getUserCode();
  const functionsAt = code.indexOf(shader.functions!);
  const mainAt = code.indexOf("fn main(index : i32)");
  const guardAt = code.indexOf("if (index < uniforms.size) {");
  const bodyAt = code.indexOf(shader.body);
  assert(functionsAt >= 0 && mainAt > functionsAt, `the functions do not precede main:\n${code}`);
  assert(guardAt > mainAt && bodyAt > guardAt, `the body is not guarded by the size:\n${code}`);
  // The body is the guard's only statement: one closing brace for it, one for main.
  assertEquals(code.slice(bodyAt + shader.body.length).replace(/\s/g, ""), "}}");
  // Without functions nothing stands before main.
  const plain = new PerElementProgram([4], { ...shader, functions: undefined }).getUserCode();
  assertEquals(plain.trim().indexOf("fn main(index : i32)"), 0);
});
