/**
 * `cloud milestone report`: milestone progress of a GitHub Project (v2), from GitHub or offline from
 * `gh project item-list --format json`, or of a Jira project's versions (`--source jira`). The rules
 * live in src/milestones/summary.ts and the fetching in src/milestones/sources/; this file reads the
 * flags, picks the source, and prints the report as a table, plain text, JSON or Markdown.
 * Imports only light modules at the top: zod, the clients and the output helpers load in run().
 */
import path from "node:path";
import { Command } from "commander";
import type { Config } from "../../config/schema.js";
import type { Context } from "../../context.js";
import { buildMilestoneReport, buildVersionReport, STATE_RULE, utcDay, type MilestoneReport, type ProjectInfo, type ProjectItem, type VersionInfo } from "../../milestones/summary.js";
import { ExitCode, UsageError } from "../../errors.js";
import type { Output } from "../../io/output.js";
import { actionFor, chosenFormat, examples, optionsParser, outputFormat, withOutputFlags, type RunF } from "../shape.js";

const FORMATS = ["table", "json", "markdown"] as const;
const SOURCES = ["github", "jira"] as const;
type SourceName = (typeof SOURCES)[number];

export const parseOptions = optionsParser((z) =>
  z.pipe(
    z.object({
      source: z.optional(z.enum(SOURCES, "--source expects github or jira")),
      owner: z.optional(z.string().check(z.regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "--owner expects a GitHub login such as acme"))),
      // A project number (GitHub) or key (Jira): which one depends on the source, which may come from
      // the config; sourceFlags() checks it as soon as the source is known.
      project: z.optional(z.string()),
      field: z.optional(z.string().check(z.trim(), z.minLength(1, "--field expects a field name such as Milestone"))),
      input: z.optional(z.string().check(z.minLength(1, "--input expects a file, or - for standard input"))),
      all: z.optional(z.boolean()),
      ...outputFormat(z, FORMATS),
    }),
    z.transform(({ json, format, ...o }) => {
      const options = { ...o, all: o.all ?? false, format: chosenFormat({ json, format }, "table") };
      // With --source on the command line, a flag that does not fit it is refused before anything is read.
      if (options.source !== undefined) sourceFlags(options.source, options);
      return options;
    }),
  ),
);

export type ReportOptions = Awaited<ReturnType<typeof parseOptions>>;

/** The flags as the source reads them: --project as a number (GitHub) or a key (Jira). */
type SourceFlags = { source: "github"; project: number | undefined } | { source: "jira"; project: string | undefined };

/**
 * What the source-dependent flags mean for `source`; a UsageError (exit 2) for one it cannot take.
 * One definition for the flags given with --source and for a source that comes from milestones.source.
 */
export function sourceFlags(source: SourceName, options: Pick<ReportOptions, "project" | "owner" | "field" | "input" | "all">): SourceFlags {
  const { project } = options;
  if (source === "github") {
    if (options.all) throw new UsageError("--all adds the released Jira versions; it needs --source jira", { hint: "Drop --all, or pass --source jira." });
    if (project !== undefined && !/^[1-9][0-9]{0,9}$/.test(project)) throw new UsageError(`--project expects a project number such as 7, not '${project}'`);
    return { source, project: project === undefined ? undefined : Number(project) };
  }
  const githubOnly = (["owner", "field", "input"] as const).find((flag) => options[flag] !== undefined);
  if (githubOnly) {
    const why = githubOnly === "input" ? "reads the output of `gh project item-list`" : "is about a GitHub Project";
    throw new UsageError(`--${githubOnly} ${why}; it does not go with --source jira`, {
      hint: "Drop it, or pass --source github; with --source jira, --project names the Jira project key.",
    });
  }
  if (project !== undefined && !/^[A-Za-z][A-Za-z0-9_]{1,9}$/.test(project)) {
    throw new UsageError(`--project expects a Jira project key such as CLOUD with --source jira, not '${project}'`);
  }
  return { source, project: project?.toUpperCase() };
}

interface Fields {
  milestoneField: string;
  statusField: string;
  estimateField: string;
}

/** GitHub items, from the API or from gh's JSON. */
interface Source {
  project: ProjectInfo;
  items: ProjectItem[];
  /** What was asked, for "nothing to report": "project 7 of acme" or the input file. */
  description: string;
}

/** A report, and what was asked for "nothing to report": "project 7 of acme", the input file, or why no version is shown. */
interface Gathered {
  report: MilestoneReport;
  nothing: string;
}

export function command(runF: RunF<ReportOptions>): Command {
  const report = new Command("report")
    .description("milestone progress of a GitHub Project (v2) or of Jira versions: items done/total, points, due dates")
    .option("--source <github|jira>", "where the milestones come from: a GitHub Project, or the Jira project's versions (default: milestones.source)")
    .option("--owner <login>", "GitHub: organization or user that owns the project (default: github.owner)")
    .option("--project <number|KEY>", "GitHub: project number, as in its URL (default: github.project); Jira: project key (default: jira.project)")
    .option("--field <name>", "GitHub: field to group by: the built-in Milestone field, or an iteration or single-select field (default: github.milestoneField)")
    .option("--input <file|->", "GitHub: read items from the output of `gh project item-list --format json` (a file, or - for stdin) instead of calling GitHub")
    .option("--all", "Jira: add the released versions, after the others")
    .action(actionFor([], parseOptions, runF));
  withOutputFlags(report, FORMATS);
  examples(report, [
    "cloud milestone report --owner acme --project 7",
    "cloud milestone report --field Sprint --json | jq '.milestones[] | select(.state == \"at-risk\")'",
    "cloud milestone report --format markdown > weekly-update.md",
    "gh project item-list 7 --owner acme --format json --limit 10000 | cloud milestone report --input -",
    "cloud milestone report --source jira --project CLOUD",
    "cloud milestone report --source jira --all --format markdown > releases.md",
  ]);
  return report.addHelpText(
    "after",
    `
${STATE_RULE}

GitHub: an item is done when its status is one of github.doneValues; without a
status, when its issue is closed or its pull request merged or closed (with
--input, only by status). Points sum the estimate field. Archived and redacted
items are skipped and counted.

Jira (--source jira): the milestones are the project's versions that are
neither archived nor released, by release date, then name; --all adds the
released ones after them. A version's items are the issues fixed in it (an
issue in two versions counts in both); sub-tasks are skipped and counted. An
issue is done when its status category is Done; points sum the story points
field (jira.storyPointsField, or found by name). Due is the release date.

Exit 1 when there is nothing to report.

Environment: GH_TOKEN, then GITHUB_TOKEN, then \`gh auth token\`;
GITHUB_GRAPHQL_URL for GitHub Enterprise Server (https://HOST/api/graphql).
--input needs neither. Jira: JIRA_HOST, and JIRA_EMAIL with JIRA_API_TOKEN, or
JIRA_API_TOKEN with JIRA_AUTH_TYPE=bearer (a Data Center personal access token).
`,
  );
}

export async function run(ctx: Context, options: ReportOptions): Promise<number> {
  const { config } = await ctx.config();
  const flags = sourceFlags(options.source ?? config.milestones.source, options);
  const [out, { printTable, renderMarkdown, skippedText }] = await Promise.all([ctx.output(), import("../../milestones/render.js")]);
  const now = ctx.now();
  const { report, nothing } =
    flags.source === "jira"
      ? await fromJira(ctx, flags.project ?? config.jira.project, options.all, now)
      : await fromGitHub(ctx, out, { ...options, project: flags.project }, config, now);

  // --json prints its document even when it is empty, so scripts always get one.
  if (options.format === "json") out.json(report);
  if (report.milestones.length === 0) {
    const skipped = skippedText(report, { noun: false });
    out.info(`Nothing to report: ${nothing}${skipped ? ` (skipped: ${skipped})` : ""}.`);
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
// Where the milestones come from

async function fromGitHub(ctx: Context, out: Output, options: Pick<ReportOptions, "owner" | "field" | "input"> & { project: number | undefined }, config: Config, now: Date): Promise<Gathered> {
  const fields: Fields = {
    milestoneField: options.field ?? config.github.milestoneField,
    statusField: config.github.statusField,
    estimateField: config.github.estimateField,
  };
  const source = options.input !== undefined ? await fromInput(ctx, out, options.input, fields) : await fromGitHubProject(ctx, out, options, config, fields);
  const report = buildMilestoneReport(source.project, source.items, { doneValues: config.github.doneValues, now });
  return { report, nothing: `${source.description} has no items` };
}

async function fromJira(ctx: Context, key: string | null | undefined, all: boolean, now: Date): Promise<Gathered> {
  if (!key) throw new UsageError("no Jira project given", { hint: "Pass --project <KEY> or set jira.project in cloud.config.yaml." });
  const [jira, { fetchJiraVersions }] = await Promise.all([ctx.jira(), import("../../milestones/sources/jira-versions.js")]);
  const progress = progressLine(ctx);
  const fetched = await fetchJiraVersions(jira, key, {
    all,
    onProgress: (done, total) => progress.update(() => `Fetching the issues of ${key}'s versions: ${done} of ${total}`),
  }).finally(progress.done);
  const report = buildVersionReport(fetched.project, fetched.versions, fetched.issues, { all, now });
  return { report, nothing: noVersions(key, fetched.versions, all) };
}

/** Why no version is shown: none at all, only archived ones, or only released ones without --all. */
function noVersions(key: string, versions: readonly VersionInfo[], all: boolean): string {
  if (versions.length === 0) return `Jira project ${key} has no versions`;
  const released = versions.filter((v) => v.released && !v.archived).length;
  if (!all && released > 0) return `Jira project ${key} has no unreleased versions (pass --all to include its ${released} released one${released === 1 ? "" : "s"})`;
  return `every version of Jira project ${key} is archived`;
}

async function fromGitHubProject(ctx: Context, out: Output, options: { owner?: string | undefined; project: number | undefined }, config: Config, fields: Fields): Promise<Source> {
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
        onProgress: (done, total) => progress.update(() => `Fetching items of ${where}: ${done.toLocaleString("en")} of ${total.toLocaleString("en")}`),
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

/** gh's JSON for 10,000 items is about 10 MB; a larger input is refused rather than read into memory. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

async function readInputFile(ctx: Context, file: string): Promise<string> {
  const { readTextFile } = await import("../../io/bounded-read.js");
  return readTextFile(path.resolve(ctx.cwd, file), {
    maxBytes: MAX_INPUT_BYTES,
    what: "--input file",
    shown: file,
    hint: "Pass the file `gh project item-list --format json` wrote, or - for standard input.",
  });
}

async function readStdin(ctx: Context): Promise<string> {
  if (ctx.io.stdinIsTTY) {
    throw new UsageError("--input - reads standard input, which is a terminal", {
      hint: "Pipe it in: gh project item-list 7 --owner acme --format json --limit 10000 | cloud milestone report --input -",
    });
  }
  const [{ decodeUtf8 }] = await Promise.all([import("../../io/bounded-read.js")]);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.io.stdin) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > MAX_INPUT_BYTES) throw new UsageError(`standard input is larger than ${MAX_INPUT_BYTES / 2 ** 20} MiB`, { hint: "Pass the output of `gh project item-list --format json`." });
    chunks.push(bytes);
  }
  return decodeUtf8(Buffer.concat(chunks), "standard input", { what: "--input" });
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
    /** The text is made only when it is shown: formatting numbers for every page is not free. */
    update(text: () => string) {
      if (!stderrIsTTY) return;
      stderr.write(`\r\x1b[2K${text()}`);
      shown = true;
    },
    /** "Trying again in 2s" is progress for a person watching; scripts and logs get only the outcome (as with --debug). */
    note(text: string) {
      if (!stderrIsTTY && !ctx.debug) return;
      clear();
      stderr.write(`${text}\n`);
    },
    done: clear,
  };
}

