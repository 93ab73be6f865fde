/**
 * The one shape of a command file:
 *
 *   export function command(runF: RunF<Options>): Command    flags and help, nothing else
 *   export const parseOptions = optionsParser((z) => schema)  argv → options, through one zod schema
 *   export async function run(ctx, options): Promise<number>  the work: an exit code, or a typed error
 *
 * `command()` hands the parsed options to `runF`, which src/cli.ts binds to `run(ctx, …)` and tests bind
 * to a recorder (the seam of cli/cli's `NewCmdX(f, runF)`), so flags can be checked without running.
 * zod is imported when a command is invoked, never to print help.
 */
import type { Command } from "commander";
import type { z } from "../text/zod.js";
import { UsageError } from "../errors.js";

export type RunF<O> = (options: O) => Promise<number>;

/** What commander hands an action: the positional arguments as one record, and the flags. */
export type RawOptions = Record<string, unknown>;

type Zod = typeof z;

/**
 * A parser from raw options to typed ones. The schema is built on first use; its first problem becomes
 * a UsageError (exit 2) naming the flag, what it expects and what was given.
 */
export function optionsParser<S extends z.ZodMiniType>(build: (z: Zod) => S): (raw: RawOptions) => Promise<z.output<S>> {
  let schema: S | undefined;
  return async (raw) => {
    if (!schema) schema = build((await import("../text/zod.js")).z);
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0];
    const given = typeof key === "string" ? raw[key] : undefined;
    const shown = typeof given === "string" ? `, not '${given}'` : "";
    throw new UsageError(`${issue.message}${shown}`);
  };
}

/** `--json` is `--format json`; two flags that ask for different formats are exit 2. */
export function outputFormat<const F extends readonly [string, ...string[]]>(z: Zod, formats: F) {
  return {
    json: z.optional(z.boolean()),
    format: z.optional(z.enum(formats, `--format expects ${formats.slice(0, -1).join(", ")} or ${formats.at(-1)}`)),
  };
}

/** The format the output flags ask for; see outputFormat. */
export function chosenFormat<F extends string>(flags: { json?: boolean | undefined; format?: F | undefined }, fallback: F): F {
  if (flags.json && flags.format !== undefined && flags.format !== "json") {
    throw new UsageError(`--json and --format ${flags.format} ask for different outputs; pass one of them`);
  }
  return flags.json ? ("json" as F) : (flags.format ?? fallback);
}

/** Declares --json and --format on a command. */
export function withOutputFlags(command: Command, formats: readonly string[]): Command {
  return command
    .option("--json", "print one JSON document (same as --format json)")
    .option("--format <format>", `output format: ${formats.join(", ")}`);
}

/** The action: positional arguments named by `names`, merged with the flags, parsed, handed to runF. */
export function actionFor<O>(names: readonly string[], parse: (raw: RawOptions) => Promise<O>, runF: RunF<O>) {
  return async (...args: unknown[]): Promise<void> => {
    const flags = args[names.length] as RawOptions;
    const raw: RawOptions = { ...flags };
    names.forEach((name, i) => {
      if (args[i] !== undefined) raw[name] = args[i];
    });
    await runF(await parse(raw));
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
