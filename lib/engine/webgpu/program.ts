/**
 * The one shape of WGSL program this project's `webgpu` kernels need: one
 * GPU thread per output element, 128 to a workgroup, the element's flat index
 * in `index`. tfjs's backend adds the bindings, the uniforms (its own, then
 * the program's) and the `getXByOutputIndex` / `setOutputAtIndex` helpers.
 */
import type { WebGPUProgram } from "@tensorflow/tfjs-backend-webgpu";

/** What a kernel says about its program. */
export interface PerElementShader {
  /** Names of the inputs, in the order the kernel passes them; `x` is read with `getX…`. */
  variableNames: string[];
  /** The program's own uniforms, e.g. "rate : f32, seed : u32,"; "" for none. */
  uniforms: string;
  /** Names the compiled pipeline in tfjs's cache: one key per distinct shader text. */
  shaderKey: string;
  /** WGSL run for each element with `index` < `uniforms.size`. */
  body: string;
  /** WGSL functions the body calls, placed before `main`. */
  functions?: string;
}

/** A {@link WebGPUProgram} running `shader.body` once per element of an output of `outputShape`. */
export class PerElementProgram implements WebGPUProgram {
  readonly workgroupSize: [number, number, number] = [128, 1, 1];
  readonly size = true;
  readonly variableNames: string[];
  readonly uniforms: string;
  readonly shaderKey: string;
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];

  constructor(readonly outputShape: number[], private readonly shader: PerElementShader) {
    this.variableNames = shader.variableNames;
    this.uniforms = shader.uniforms;
    this.shaderKey = shader.shaderKey;
    this.dispatchLayout = { x: outputShape.map((_, axis) => axis) };
    const elements = outputShape.reduce((product, length) => product * length, 1);
    this.dispatch = [Math.ceil(elements / this.workgroupSize[0]), 1, 1];
  }

  getUserCode(): string {
    return `
      ${this.shader.functions ?? ""}
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${this.shader.body}
        }
      }
    `;
  }
}
