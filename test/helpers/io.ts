/** In-memory streams for in-process command tests: TTY or not, colour or not, scripted stdin. */
import { PassThrough, Writable } from "node:stream";
import type { IOStreams } from "../../src/io/streams.js";

export class Capture extends Writable {
  chunks: string[] = [];
  isTTY: boolean;
  columns = 120;

  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }

  get text(): string {
    return this.chunks.join("");
  }
}

export interface TestIO extends IOStreams {
  stdout: Capture;
  stderr: Capture;
  stdin: PassThrough;
}

export function testIO(options: { tty?: boolean; color?: boolean; columns?: number } = {}): TestIO {
  const tty = options.tty ?? false;
  const stdin = new PassThrough();
  (stdin as unknown as { isTTY: boolean }).isTTY = tty;
  return {
    stdin,
    stdout: new Capture(tty),
    stderr: new Capture(tty),
    stdinIsTTY: tty,
    stdoutIsTTY: tty,
    stderrIsTTY: tty,
    color: options.color ?? false,
    canPrompt: tty,
    ...(options.columns !== undefined ? { columns: options.columns } : {}),
  };
}
