/**
 * The Jupyter messaging protocol v5.3 wire format: a message is the ZeroMQ routing identities, the
 * `<IDS|MSG>` delimiter, an HMAC-SHA256 signature (hex) of the four JSON frames, then the header,
 * parent header, metadata and content frames, then optional binary buffers.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { Buffer } from "node:buffer";

/** The protocol version this client speaks. */
export const PROTOCOL_VERSION = "5.3";

const DELIMITER = "<IDS|MSG>";

/** The header of every message. */
export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded message; `parent_header` is `{}` for messages that answer nothing. */
export interface JupyterMessage {
  identities: Buffer[];
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

/** Signs and decodes messages with one connection's key. */
export class MessageCodec {
  readonly #key: string;
  readonly #session = crypto.randomUUID();

  /** `key` is the connection file's `key` (an empty key turns signing off, as in Jupyter). */
  constructor(key: string) {
    this.#key = key;
  }

  /** A new request of type `msgType` from this client's session. */
  createMessage(msgType: string, content: Record<string, unknown>): JupyterMessage {
    return {
      identities: [],
      header: {
        msg_id: crypto.randomUUID(),
        session: this.#session,
        username: "run_notebooks",
        date: new Date().toISOString(),
        msg_type: msgType,
        version: PROTOCOL_VERSION,
      },
      parent_header: {},
      metadata: {},
      content,
      buffers: [],
    };
  }

  /** The frames to send for `message`. */
  encode(message: JupyterMessage): Buffer[] {
    const parts = [
      message.header,
      message.parent_header,
      message.metadata,
      message.content,
    ].map((part) => Buffer.from(JSON.stringify(part)));
    return [
      ...message.identities,
      Buffer.from(DELIMITER),
      Buffer.from(this.#sign(parts)),
      ...parts,
      ...message.buffers,
    ];
  }

  /** Decodes received frames; throws if the delimiter is missing or the signature is wrong. */
  decode(frames: Buffer[]): JupyterMessage {
    const delimiterIndex = frames.findIndex((frame) => frame.toString() === DELIMITER);
    if (delimiterIndex < 0 || frames.length < delimiterIndex + 6) {
      throw new Error(
        `Received a malformed Jupyter message (${frames.length} frames, no "${DELIMITER}" ` +
          "delimiter followed by signature, header, parent header, metadata and content). " +
          "Is something other than a Jupyter kernel listening on the connection's ports?",
      );
    }
    const signature = frames[delimiterIndex + 1].toString();
    const parts = frames.slice(delimiterIndex + 2, delimiterIndex + 6);
    if (this.#key !== "" && !sameText(signature, this.#sign(parts))) {
      throw new Error(
        "Received a Jupyter message with a wrong HMAC signature: the kernel does not use this " +
          "connection file's key. Another kernel may be bound to the same ports; re-run.",
      );
    }
    const [header, parentHeader, metadata, content] = parts.map((part) =>
      JSON.parse(part.toString())
    );
    return {
      identities: frames.slice(0, delimiterIndex),
      header,
      parent_header: parentHeader,
      metadata,
      content,
      buffers: frames.slice(delimiterIndex + 6),
    };
  }

  #sign(parts: Buffer[]): string {
    if (this.#key === "") return "";
    const hmac = createHmac("sha256", this.#key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
