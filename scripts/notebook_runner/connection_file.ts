/**
 * The kernel connection file: five free loopback TCP ports, a random HMAC key, written as the JSON
 * file `deno jupyter --kernel --conn FILE` reads.
 */
import { join } from "node:path";

/** The content of a Jupyter connection file. */
export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  signature_scheme: "hmac-sha256";
  key: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  kernel_name: string;
}

/** A connection on loopback with five distinct ports that were free a moment ago. */
export function createConnectionInfo(): ConnectionInfo {
  const listeners = Array.from(
    { length: 5 },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const [shell, iopub, stdin, control, hb] = listeners.map((listener) =>
    (listener.addr as Deno.NetAddr).port
  );
  for (const listener of listeners) listener.close();
  return {
    transport: "tcp",
    ip: "127.0.0.1",
    signature_scheme: "hmac-sha256",
    key: crypto.randomUUID(),
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    kernel_name: "deno",
  };
}

/** The ZeroMQ address of one of the connection's ports. */
export function socketAddress(info: ConnectionInfo, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}

/** Writes `info` as `kernel-<random>.json` in `directory` (readable by the owner only). */
export async function writeConnectionFile(
  directory: string,
  info: ConnectionInfo,
): Promise<string> {
  const path = join(directory, `kernel-${crypto.randomUUID()}.json`);
  await Deno.writeTextFile(path, JSON.stringify(info, null, 1), { mode: 0o600 });
  return path;
}
