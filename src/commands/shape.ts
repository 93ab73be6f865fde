/** What every command file receives when it registers: the context and a place to leave its exit code. */
import type { Command } from "commander";
import type { Context } from "../context.js";

export interface App {
  readonly ctx: Context;
  /** Set by a command's action; read by src/cli.ts. */
  exitCode: number;
}

/** Wrap a command's work so its returned exit code reaches the CLI. */
export function action<A extends unknown[]>(app: App, work: (...args: A) => Promise<number | void>) {
  return async (...args: A): Promise<void> => {
    const code = await work(...args);
    if (typeof code === "number") app.exitCode = code;
  };
}

/** Help text listing examples, shown after the options. */
export function examples(command: Command, lines: string[]): Command {
  return command.addHelpText("after", `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}\n`);
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
