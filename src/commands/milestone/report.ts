/**
 * `cloud milestone report`: milestone progress of a GitHub Project (v2), from GitHub or offline from
 * `gh project item-list --format json`. The rules live in src/milestones/summary.ts; this file gathers
 * the items, and prints the report as a table, plain text, JSON or Markdown.
 * Imports only light modules at the top: zod, the GitHub client and the output helpers load in run().
 */
import { Command } from "commander";
import type { Config } from "../../config/schema.js";
import type { Context } from "../../context.js";
import { buildMilestoneReport, STATE_RULE, utcDay, type MilestoneReport, type MilestoneState, type MilestoneSummary, type ProjectInfo, type ProjectItem } from "../../milestones/summary.js";
import { ExitCode, UsageError } from "../../errors.js";
import type { Output } from "../../io/output.js";
import { actionFor, chosenFormat, examples, optionsParser, outputFormat, withOutputFlags, type RunF } from "../shape.js";

const FORMATS = ["table", "json", "markdown"] as const;

export const parseOptions = optionsParser((z) =>
  z
    .object({
      owner: z
        .string()
        .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "--owner expects a GitHub login such as acme")
        .optional(),
      project: z
        .string()
        .regex(/^[1-9][0-9]{0,9}$/, "--project expects a project number such as 7")
        .transform(Number)
        .optional(),
      field: z.string().trim().min(1, "--field expects a field name such as Milestone").optional(),
      input: z.string().min(1, "--input expects a file, or - for standard input").optional(),
      ...outputFormat(z, FORMATS),
    })
    .transform(({ json, format, ...o }) => ({ ...o, format: chosenFormat({ json, format }, "table") })),
);

export type ReportOptions = Awaited<ReturnType<typeof parseOptions>>;

interface Fields {
  milestoneField: string;
  statusField: string;
  estimateField: string;
}

interface Source {
  project: ProjectInfo;
  items: ProjectItem[];
  /** What was asked, for "nothing to report": "project 7 of acme" or the input file. */
  description: string;
}

export function command(runF: RunF<ReportOptions>): Command {
  const report = new Command("report")
    .description("milestone progress of a GitHub Project (v2): items done/total, points, due dates")
    .option("--owner <login>", "organization or user that owns the project (default: github.owner)")
    .option("--project <number>", "project number, as in its URL (default: github.project)")
    .option("--field <name>", "field to group by: the built-in Milestone field, or an iteration or single-select field (default: github.milestoneField)")
    .option("--input <file|->", "read items from the output of `gh project item-list --format json` (a file, or - for stdin) instead of calling GitHub")
    .action(actionFor([], parseOptions, runF));
  withOutputFlags(report, FORMATS);
  examples(report, [
    "cloud milestone report --owner acme --project 7",
    "cloud milestone report --field Sprint --json | jq '.milestones[] | select(.state == \"at-risk\")'",
    "cloud milestone report --format markdown > weekly-update.md",
    "gh project item-list 7 --owner acme --format json --limit 10000 | cloud milestone report --input -",
  ]);
  return report.addHelpText(
    "after",
    `
${STATE_RULE}

An item is done when its status is one of github.doneValues; without a status, when its issue is closed
or its pull request merged or closed (with --input, only by status). Points sum the estimate field.
Archived and redacted items are skipped and counted. Exit 1 when there is nothing to report.

Environment: GH_TOKEN, then GITHUB_TOKEN, then \`gh auth token\`; GITHUB_GRAPHQL_URL for GitHub Enterprise
Server (https://HOST/api/graphql). --input needs neither.
`,
  );
}

export async function run(ctx: Context, options: ReportOptions): Promise<number> {
  const { config } = await ctx.config();
  const fields: Fields = {
    milestoneField: options.field ?? config.github.milestoneField,
    statusField: config.github.statusField,
    estimateField: config.github.estimateField,
  };
  const [out, { printTable, renderMarkdown, skippedText }] = await Promise.all([ctx.output(), import("../../milestones/render.js")]);
  const source = options.input !== undefined ? await fromInput(ctx, out, options.input, fields) : await fromGitHub(ctx, out, options, config, fields);
  const now = ctx.now();
  const report = buildMilestoneReport(source.project, source.items, { doneValues: config.github.doneValues, now });

  // --json prints its document even when it is empty, so scripts always get one.
  if (options.format === "json") out.json(report);
  if (report.milestones.length === 0) {
    out.info(`Nothing to report: ${source.description} has no items${skippedText(report, " (skipped: ", ")")}.`);
    return ExitCode.no;
  }
  if (options.format === "markdown") {
    out.line(renderMarkdown(report, utcDay(now), out.clean));
  } else if (options.format === "table") {
    printTable(out, report);
  }
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------
// Flags

// ---------------------------------------------------------------------------------------------
// Where the items come from

async function fromGitHub(ctx: Context, out: Output, options: ReportOptions, config: Config, fields: Fields): Promise<Source> {
  const owner = options.owner ?? config.github.owner;
  const number = options.project ?? config.github.project;
  if (!owner) throw new UsageError("no project owner given", { hint: "Pass --owner <login> or set github.owner in cloud.config.yaml." });
  if (!number) throw new UsageError("no project number given", { hint: "Pass --project <number> or set github.project in cloud.config.yaml." });

  const github = await ctx.github();
  const progress = progressLine(ctx);
  const where = `project ${number} of ${owner}`;
  const fetched = await github
    .getProjectItems(
      { owner, number, ...fields },
      {
        signal: ctx.signal,
        onProgress: (done, total) => progress.update(`Fetching items of ${where}: ${done.toLocaleString("en")} of ${total.toLocaleString("en")}`),
        onWait: (message) => progress.note(`${out.errChalk.yellow("warning:")} ${message}`),
      },
    )
    .finally(progress.done);
  checkFields(fetched.fields, fields, where, (message) => out.warn(message));
  return { project: fetched.project, items: fetched.items, description: where };
}

/** The field kinds that can name a milestone. */
const GROUPABLE = ["MILESTONE", "ITERATION", "SINGLE_SELECT", "TEXT"];

/**
 * A misspelt grouping field would put every item under "no milestone" without a word, so it is an
 * error; a missing status or estimate field only changes what counts, so it is a warning.
 */
function checkFields(projectFields: { name: string; dataType: string }[], fields: Fields, where: string, warn: (message: string) => void): void {
  if (projectFields.length === 0) return;
  const find = (name: string) => projectFields.find((f) => f.name === name);
  const groupable = projectFields.filter((f) => GROUPABLE.includes(f.dataType)).map((f) => f.name);
  const milestone = find(fields.milestoneField);
  if (!milestone || !GROUPABLE.includes(milestone.dataType)) {
    const what = milestone ? `its field '${milestone.name}' is a ${milestone.dataType.toLowerCase().replace(/_/g, "-")} field, which cannot name a milestone` : `it has no field named '${fields.milestoneField}'`;
    throw new UsageError(`cannot group ${where} by '${fields.milestoneField}': ${what}`, {
      hint: `Pass --field with one of ${groupable.map((n) => `'${n}'`).join(", ") || "its milestone, iteration or single-select fields"}, or set github.milestoneField.`,
    });
  }
  const status = find(fields.statusField);
  if (!status) warn(`${where} has no field named '${fields.statusField}' (github.statusField); items count as done only when closed or merged.`);
  const estimate = find(fields.estimateField);
  if (!estimate) warn(`${where} has no field named '${fields.estimateField}' (github.estimateField); points count 0.`);
  else if (estimate.dataType !== "NUMBER") warn(`field '${estimate.name}' of ${where} is not a number field; points count 0.`);
}

async function fromInput(ctx: Context, out: Output, input: string, fields: Fields): Promise<Source> {
  const { parseItemList } = await import("../../milestones/sources/gh-json.js");
  const source = input === "-" ? "stdin" : input;
  const text = input === "-" ? await readStdin(ctx) : await readInputFile(ctx, input);
  const list = parseItemList(text, source, fields);
  if (list.totalCount !== null && list.totalCount > list.items.length) {
    out.warn(
      `the input holds ${list.items.length} of the project's ${list.totalCount} items (gh lists 30 unless told otherwise); run gh project item-list with --limit ${list.totalCount}.`,
    );
  }
  return { project: { title: source, url: null }, items: list.items, description: source };
}

async function readInputFile(ctx: Context, file: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const path = await import("node:path");
  try {
    return await readFile(path.resolve(ctx.cwd, file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (error as Error).message;
    throw new UsageError(`cannot read --input ${file}: ${why}`, { hint: "Pass the file `gh project item-list --format json` wrote, or - for standard input." });
  }
}

async function readStdin(ctx: Context): Promise<string> {
  if (ctx.io.stdinIsTTY) {
    throw new UsageError("--input - reads standard input, which is a terminal", {
      hint: "Pipe it in: gh project item-list 7 --owner acme --format json --limit 10000 | cloud milestone report --input -",
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.io.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** One line of progress on stderr, rewritten in place; only on a terminal. Notes keep their own lines. */
function progressLine(ctx: Context) {
  const { stderr, stderrIsTTY } = ctx.io;
  let shown = false;
  const clear = () => {
    if (shown) stderr.write("\r\x1b[2K");
    shown = false;
  };
  return {
    update(text: string) {
      if (!stderrIsTTY) return;
      stderr.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    note(text: string) {
      clear();
      stderr.write(`${text}\n`);
    },
    done: clear,
  };
}

