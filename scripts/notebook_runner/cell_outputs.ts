/**
 * Turns a cell's IOPub messages into nbformat outputs the way Jupyter does: consecutive `stream`
 * messages of one name merge into one output (carriage-return overwrites collapsed),
 * `update_display_data` (and a new display with a known `display_id`) replaces the data of every
 * earlier output with that id in the whole notebook, and `clear_output` clears now or, with
 * `wait`, just before the next output.
 */
import type {
  CellOutput,
  CodeCell,
  DisplayDataOutput,
  ExecuteResultOutput,
  JsonObject,
  StreamOutput,
} from "./notebook_format.ts";
import type { JupyterMessage } from "./wire_protocol.ts";

type DisplayOutput = DisplayDataOutput | ExecuteResultOutput;

/**
 * Records the outputs of the cells of one notebook. Messages are recorded into the cell they
 * belong to, even when they arrive while a later cell runs.
 */
export class NotebookOutputRecorder {
  readonly #outputsByDisplayId = new Map<string, Set<DisplayOutput>>();
  /** Cells whose next output first clears the cell (`clear_output` with `wait`). */
  readonly #clearBeforeNextOutput = new WeakSet<CodeCell>();

  /** Prepares `cell` for a new execution: its previous outputs and execution count are dropped. */
  beginCell(cell: CodeCell): void {
    this.#forgetDisplays(cell.outputs);
    cell.outputs = [];
    cell.execution_count = null;
    this.#clearBeforeNextOutput.delete(cell);
  }

  /** Applies one IOPub message of `cell`; status and unknown messages are ignored. */
  record(cell: CodeCell, message: JupyterMessage): void {
    const content = message.content;
    if (typeof content.execution_count === "number") cell.execution_count = content.execution_count;
    const displayId = (content.transient as { display_id?: unknown } | undefined)?.display_id;
    switch (message.header.msg_type) {
      case "stream":
        this.#appendStream(cell, content.name as StreamOutput["name"], String(content.text ?? ""));
        break;
      case "display_data":
        this.#appendDisplay(cell, {
          output_type: "display_data",
          data: content.data as JsonObject,
          metadata: (content.metadata ?? {}) as JsonObject,
        }, displayId);
        break;
      case "execute_result":
        this.#appendDisplay(cell, {
          output_type: "execute_result",
          data: content.data as JsonObject,
          metadata: (content.metadata ?? {}) as JsonObject,
          execution_count: (content.execution_count ?? null) as number | null,
        }, displayId);
        break;
      case "update_display_data":
        if (typeof displayId === "string") {
          this.#updateDisplays(
            displayId,
            content.data as JsonObject,
            (content.metadata ?? {}) as JsonObject,
          );
        }
        break;
      case "error":
        this.#append(cell, {
          output_type: "error",
          ename: String(content.ename),
          evalue: String(content.evalue),
          traceback: (content.traceback ?? []) as string[],
        });
        break;
      case "clear_output":
        if (content.wait === true) this.#clearBeforeNextOutput.add(cell);
        else this.#clear(cell);
        break;
    }
  }

  #appendStream(cell: CodeCell, name: StreamOutput["name"], text: string): void {
    const last = cell.outputs.at(-1);
    const clearFirst = this.#clearBeforeNextOutput.has(cell);
    if (!clearFirst && last?.output_type === "stream" && last.name === name) {
      last.text = collapseCarriageReturns(last.text + text);
      return;
    }
    this.#append(cell, { output_type: "stream", name, text: collapseCarriageReturns(text) });
  }

  #appendDisplay(cell: CodeCell, output: DisplayOutput, displayId: unknown): void {
    if (typeof displayId === "string") {
      this.#updateDisplays(displayId, output.data, output.metadata);
      let outputs = this.#outputsByDisplayId.get(displayId);
      if (outputs === undefined) this.#outputsByDisplayId.set(displayId, outputs = new Set());
      outputs.add(output);
    }
    this.#append(cell, output);
  }

  #updateDisplays(displayId: string, data: JsonObject, metadata: JsonObject): void {
    for (const output of this.#outputsByDisplayId.get(displayId) ?? []) {
      output.data = data;
      output.metadata = metadata;
    }
  }

  #append(cell: CodeCell, output: CellOutput): void {
    if (this.#clearBeforeNextOutput.has(cell)) this.#clear(cell);
    cell.outputs.push(output);
  }

  #clear(cell: CodeCell): void {
    this.#forgetDisplays(cell.outputs);
    cell.outputs = [];
    this.#clearBeforeNextOutput.delete(cell);
  }

  #forgetDisplays(outputs: CellOutput[]): void {
    for (const displayOutputs of this.#outputsByDisplayId.values()) {
      for (const output of outputs) displayOutputs.delete(output as DisplayOutput);
    }
  }
}

/** Drops text that a carriage return overwrites (`"50%\r60%"` shows as `"60%"`), like nbconvert. */
export function collapseCarriageReturns(text: string): string {
  return text.includes("\r") ? text.replace(/[^\n]*\r(?=[^\n])/g, "") : text;
}
