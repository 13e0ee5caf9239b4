/**
 * Entry point of {@link runNotebookInChild}: `deno run notebook_child_main.ts
 * NOTEBOOK OPTIONS_JSON` runs the notebook and prints the result as one JSON
 * line on standard output.
 */
import { runNotebook } from "../../scripts/run_notebooks.ts";

const [path, options] = Deno.args;
const result = await runNotebook(path, JSON.parse(options));
console.log(JSON.stringify(result));
