/**
 * The streams a command reads and writes, and the decisions that follow from them:
 * can we prompt, do we colour, is stdout a terminal. Decided once, here.
 */
import type { Readable, Writable } from "node:stream";

export interface IOStreams {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Colour on stdout/stderr: decided from NO_COLOR / FORCE_COLOR / TTY. */
  color: boolean;
  /** A person is at a terminal and may be asked questions. */
  canPrompt: boolean;
  /** The terminal's width, when stdout is one. */
  columns?: number | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** NO_COLOR present and non-empty wins; then FORCE_COLOR; then "is it a terminal". */
export function decideColor(env: Env, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    return !(force === "0" || force.toLowerCase() === "false");
  }
  return isTTY && env.TERM !== "dumb";
}

/** Prompting needs a terminal on both ends and no CI. */
export function decideCanPrompt(env: Env, stdinIsTTY: boolean, stderrIsTTY: boolean): boolean {
  const ci = env.CI;
  const inCI = ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
  return stdinIsTTY && stderrIsTTY && !inCI;
}

export function systemStreams(env: Env): IOStreams {
  const stdinIsTTY = Boolean(process.stdin.isTTY);
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  const stderrIsTTY = Boolean(process.stderr.isTTY);
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY,
    stdoutIsTTY,
    stderrIsTTY,
    color: decideColor(env, stdoutIsTTY),
    canPrompt: decideCanPrompt(env, stdinIsTTY, stderrIsTTY),
    columns: stdoutIsTTY ? process.stdout.columns : undefined,
  };
}
