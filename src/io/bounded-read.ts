/**
 * Reading a text file the user pointed us at, safely: only a regular file (never a device, FIFO,
 * socket or folder, which could block or never end), at most a given size, and only UTF-8. Every
 * refusal and every file-system error is an InputError (exit 2) of one sentence naming the path and
 * the reason in plain words.
 *
 * The file is stat-ed before it is opened (so a device is never even opened), opened non-blocking
 * (so a path swapped for a FIFO meanwhile cannot block the open), checked again on the open handle,
 * and read only up to the limit whatever its size claims to be.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { open, stat } from "node:fs/promises";
import { InputError } from "../errors.js";

/** YAML we parse: project.md (front matter and its body) and cloud.config.yaml. */
export const MAX_FRONT_MATTER_BYTES = 1024 * 1024;
/** Documents we only scan for sections: rfc.md and the like. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export interface ReadTextOptions {
  /** Refuse a file larger than this. */
  maxBytes: number;
  /** What the file is to us, for messages ("cannot read the RFC …"): "project file", "RFC", "config file". */
  what: string;
  /** The path as the user should see it (relative to the working directory); the path itself when absent. */
  shown?: string;
  /** What to do about a refusal, when the caller knows better than "fix the file". */
  hint?: string;
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
const CHUNK = 64 * 1024;

/** Synchronous, for the many small files a gate check reads. */
export function readTextFileSync(file: string, options: ReadTextOptions): string {
  return readSyncOr(file, options, false)!;
}

/** The same, or undefined when nothing is at the path: one look at the file instead of two. */
export function readTextFileSyncIfPresent(file: string, options: ReadTextOptions): string | undefined {
  return readSyncOr(file, options, true);
}

function readSyncOr(file: string, options: ReadTextOptions, absentIsUndefined: boolean): string | undefined {
  const shown = options.shown ?? file;
  let info: Stats;
  try {
    info = statSync(file);
  } catch (error) {
    if (absentIsUndefined && (error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw fileError(error, shown, options);
  }
  checkKind(info, shown, options);
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    throw fileError(error, shown, options);
  }
  try {
    const opened = fstatSync(fd);
    checkKind(opened, shown, options);
    const buffer = Buffer.allocUnsafe(Math.min(opened.size, options.maxBytes) + 1);
    let length = 0;
    const extra: Buffer[] = [];
    for (;;) {
      if (length < buffer.length) {
        const n = readSync(fd, buffer, length, buffer.length - length, null);
        if (n === 0) break;
        length += n;
      } else {
        // Bigger than it said (a file still being written, a /proc file): read on, up to the limit.
        const chunk = Buffer.allocUnsafe(CHUNK);
        const n = readSync(fd, chunk, 0, CHUNK, null);
        if (n === 0) break;
        extra.push(chunk.subarray(0, n));
        length += n;
      }
      if (length > options.maxBytes) throw tooLarge(shown, options);
    }
    const bytes = extra.length === 0 ? buffer.subarray(0, length) : Buffer.concat([buffer, ...extra], length);
    return decodeUtf8(bytes, shown, options);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fileError(error, shown, options);
  } finally {
    closeSync(fd);
  }
}

/** The same, without blocking the event loop. */
export async function readTextFile(file: string, options: ReadTextOptions): Promise<string> {
  const shown = options.shown ?? file;
  let info: Stats;
  try {
    info = await stat(file);
  } catch (error) {
    throw fileError(error, shown, options);
  }
  checkKind(info, shown, options);
  let handle;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (error) {
    throw fileError(error, shown, options);
  }
  try {
    const opened = await handle.stat();
    checkKind(opened, shown, options);
    const chunks: Buffer[] = [];
    let length = 0;
    // One read for a file that is what it says; more, up to the limit, for one that is bigger.
    for (let want = Math.min(opened.size, options.maxBytes) + 1; ; want = CHUNK) {
      const chunk = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(chunk, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > options.maxBytes) throw tooLarge(shown, options);
    }
    return decodeUtf8(Buffer.concat(chunks, length), shown, options);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fileError(error, shown, options);
  } finally {
    await handle.close();
  }
}

function checkKind(info: Stats, shown: string, options: ReadTextOptions): void {
  if (!info.isFile()) {
    throw new InputError(`cannot read the ${options.what} ${shown}: it is ${kindOf(info)}, not a regular file`, {
      hint: options.hint ?? "Point it at a text file.",
    });
  }
  if (info.size > options.maxBytes) throw tooLarge(shown, options);
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return "a folder";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isSocket()) return "a socket";
  return "something else";
}

function tooLarge(shown: string, options: ReadTextOptions): InputError {
  return new InputError(`cannot read the ${options.what} ${shown}: it is larger than the ${formatBytes(options.maxBytes)} limit`, {
    hint: options.hint ?? "Make the file smaller, or check that the path is the one you meant.",
  });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

// ---------------------------------------------------------------------------------------------
// Encoding

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** UTF-8 text without its byte-order mark; anything else is refused with what it looks like. */
export function decodeUtf8(bytes: Uint8Array, shown: string, options: Pick<ReadTextOptions, "what" | "hint">): string {
  const other = otherEncoding(bytes);
  if (other) {
    throw new InputError(`the ${options.what} ${shown} is ${other}; save it as UTF-8`, { hint: options.hint });
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return utf8.decode(body);
  } catch {
    const at = invalidUtf8Offset(body);
    const { line, column } = lineAndColumn(body, at);
    throw new InputError(`the ${options.what} ${shown} is not valid UTF-8 (line ${line}, column ${column}); save it as UTF-8`, { hint: options.hint });
  }
}

function otherEncoding(b: Uint8Array): string | null {
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return "UTF-32 (little-endian)";
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return "UTF-32 (big-endian)";
  if (b[0] === 0xff && b[1] === 0xfe) return "UTF-16 (little-endian)";
  if (b[0] === 0xfe && b[1] === 0xff) return "UTF-16 (big-endian)";
  // No byte-order mark, but ASCII text in UTF-16 has every other byte zero.
  const n = Math.min(b.length, 64) & ~1;
  if (n >= 2) {
    let evenZero = true;
    let oddZero = true;
    for (let i = 0; i < n; i += 2) {
      if (b[i] !== 0 || b[i + 1] === 0) evenZero = false;
      if (b[i + 1] !== 0 || b[i] === 0) oddZero = false;
    }
    if (oddZero) return "UTF-16 (little-endian, without a byte-order mark)";
    if (evenZero) return "UTF-16 (big-endian, without a byte-order mark)";
  }
  return null;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function invalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let code = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const next = b[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return b.length;
}

function lineAndColumn(b: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = new TextDecoder("utf-8").decode(b.subarray(lineStart, offset)).length + 1;
  return { line, column };
}

// ---------------------------------------------------------------------------------------------
// File-system errors in plain words

const REASONS: Record<string, string> = {
  ENOENT: "it does not exist",
  EACCES: "permission denied",
  EPERM: "the operation is not permitted",
  EISDIR: "it is a folder",
  ENOTDIR: "a part of the path is not a folder",
  ELOOP: "it goes through too many symbolic links (a loop?)",
  EMFILE: "too many files are open",
  ENFILE: "too many files are open on this system",
  ENAMETOOLONG: "the path is too long",
  ENXIO: "there is no such device or address",
  ENODEV: "there is no such device",
  EIO: "the disk reported an input/output error",
  EBUSY: "it is busy",
  EAGAIN: "it is not ready to be read",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EROFS: "the file system is read-only",
  EEXIST: "it already exists",
  ETXTBSY: "it is busy",
  EFBIG: "it is too large",
  EXDEV: "it is on another file system",
  ENOTEMPTY: "the folder is not empty",
};

/** A file-system error's reason in plain words: "permission denied", "the disk is full". */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code && REASONS[code]) return REASONS[code];
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code} (${message.replace(/^[A-Z]+: /, "").split(",")[0]})` : message;
}

function fileError(error: unknown, shown: string, options: ReadTextOptions): InputError {
  return new InputError(`cannot read the ${options.what} ${shown}: ${fileErrorReason(error)}`, {
    cause: error,
    ...(options.hint ? { hint: options.hint } : {}),
  });
}
