/** Run the CLI in-process against test streams; returns exit code and captured output. */
import { runCli } from "../../src/cli.js";
import type { Prompter } from "../../src/io/prompter.js";
import { testIO } from "./io.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  tty?: boolean;
  /** The terminal's width (with tty). */
  columns?: number;
  color?: boolean;
  prompter?: Prompter;
  now?: Date;
}

/** A clean environment: nothing from the developer's shell leaks in (tokens, CI, colour). */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...extra };
}

export async function cli(argv: string[], options: CliRunOptions): Promise<CliResult> {
  const io = testIO({ tty: options.tty ?? false, color: options.color ?? false, ...(options.columns !== undefined ? { columns: options.columns } : {}) });
  const code = await runCli({
    argv,
    io,
    env: options.env ?? baseEnv(),
    cwd: options.cwd,
    ...(options.now ? { now: () => options.now! } : {}),
    ...(options.prompter ? { prompter: options.prompter } : {}),
  });
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}
