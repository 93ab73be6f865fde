/**
 * From argv to options, for every command, without running it: each command file's `command(runF)` is
 * handed a recorder instead of `run`, as cli/cli's `NewCmdX(f, runF)` seam does.
 */
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import * as branchCreate from "../../src/commands/branch/create.js";
import * as gateCheck from "../../src/commands/gate/check.js";
import * as groomCheck from "../../src/commands/groom/check.js";
import * as milestoneReport from "../../src/commands/milestone/report.js";
import * as projectInit from "../../src/commands/project/init.js";
import * as statusUpdate from "../../src/commands/status/update.js";
import { UsageError } from "../../src/errors.js";

type Outcome = { options: unknown } | { error: string; exitCode: number };

/** Parse argv with the command and return what run would have received, or the error. */
async function parse(make: (runF: (options: unknown) => Promise<number>) => Command, argv: string[]): Promise<Outcome> {
  let received: unknown;
  const command = make(async (options) => {
    received = options;
    return 0;
  });
  command.exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  try {
    await command.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof UsageError) return { error: error.message, exitCode: error.exitCode };
    const e = error as { message: string; exitCode?: number };
    return { error: e.message, exitCode: e.exitCode ?? -1 };
  }
  return { options: received };
}

interface Row {
  argv: string[];
  want: Record<string, unknown> | { error: RegExp };
}

function table(name: string, make: (runF: (options: unknown) => Promise<number>) => Command, rows: Row[]) {
  describe(name, () => {
    for (const row of rows) {
      it(`${row.argv.join(" ") || "(no arguments)"}`, async () => {
        const outcome = await parse(make, row.argv);
        if ("error" in row.want) {
          expect(outcome).toMatchObject({ error: expect.stringMatching((row.want as { error: RegExp }).error) });
          // Every argv mistake is a usage error (commander's own included).
          expect((outcome as { exitCode: number }).exitCode === 2 || (outcome as { exitCode: number }).exitCode === 1).toBe(true);
        } else {
          expect(outcome).toEqual({ options: expect.objectContaining(row.want) });
        }
      });
    }
  });
}

table("cloud project init", (runF) => projectInit.command(runF as never), [
  { argv: [], want: { title: undefined, stakeholders: [], milestones: [], yes: false, force: false, dryRun: false } },
  { argv: ["New region"], want: { title: "New region" } },
  { argv: ["Arg title", "--title", "Flag title"], want: { title: "Flag title" } },
  {
    argv: ["T", "--dri", "@alice", "--epic", "CLOUD-1", "--stakeholder", "@bob (Product, Billing)", "--stakeholder", "@carol", "--milestone", "M1@2026-12-15", "--yes", "--force", "--dry-run", "--dir", "docs"],
    want: { title: "T", dri: "@alice", epic: "CLOUD-1", stakeholders: ["@bob (Product, Billing)", "@carol"], milestones: ["M1@2026-12-15"], yes: true, force: true, dryRun: true, dir: "docs" },
  },
  { argv: ["T", "-y"], want: { yes: true } },
  { argv: ["T", "--dir", " "], want: { error: /--dir expects a folder/ } },
  { argv: ["T", "--frobnicate"], want: { error: /unknown option '--frobnicate'/ } },
]);

for (const gate of ["dor", "dod"] as const) {
  table(`cloud ${gate} check`, (runF) => gateCheck.command(gate, runF as never), [
    { argv: [], want: { paths: [], format: "table", offline: false } },
    { argv: ["a", "b/project.md"], want: { paths: ["a", "b/project.md"] } },
    { argv: ["--json"], want: { format: "json" } },
    { argv: ["--format", "json", "--json"], want: { format: "json" } },
    { argv: ["--format", "markdown"], want: { format: "markdown" } },
    { argv: ["--format", "github", "--offline"], want: { format: "github", offline: true } },
    { argv: ["--json", "--format", "markdown"], want: { error: /--json and --format markdown ask for different outputs/ } },
    { argv: ["--format", "yaml"], want: { error: /--format expects table, json, markdown or github, not 'yaml'/ } },
  ]);
}

table("cloud branch", (runF) => branchCreate.command(runF as never), [
  { argv: [], want: { dryRun: false, switch: true } },
  { argv: ["CLOUD-42"], want: { key: "CLOUD-42" } },
  { argv: ["cloud-42", "--title", "Fix it", "--base", "origin/main", "--dry-run", "--no-switch"], want: { key: "cloud-42", title: "Fix it", base: "origin/main", dryRun: true, switch: false } },
  { argv: ["CLOUD-42", "--json"], want: { error: /unknown option '--json'/ } },
]);

table("cloud milestone report", (runF) => milestoneReport.command(runF as never), [
  { argv: [], want: { format: "table" } },
  { argv: ["--owner", "acme", "--project", "7", "--field", "Sprint"], want: { owner: "acme", project: "7", field: "Sprint" } },
  { argv: ["--input", "-", "--json"], want: { input: "-", format: "json" } },
  { argv: ["--format", "markdown"], want: { format: "markdown" } },
  { argv: ["--json", "--format", "markdown"], want: { error: /--json and --format markdown ask for different outputs/ } },
  { argv: ["--format", "github"], want: { error: /--format expects table, json or markdown, not 'github'/ } },
  { argv: ["--source", "github", "--project", "seven"], want: { error: /--project expects a project number such as 7, not 'seven'/ } },
  { argv: ["--owner", "-acme"], want: { error: /--owner expects a GitHub login/ } },
  // Without --source, what --project means waits for milestones.source: run() checks it.
  { argv: ["--project", "seven"], want: { project: "seven", all: false } },
  { argv: ["--source", "jira", "--project", "cloud", "--all"], want: { source: "jira", project: "cloud", all: true } },
  { argv: ["--source", "jira", "--project", "7"], want: { error: /--project expects a Jira project key such as CLOUD with --source jira, not '7'/ } },
  { argv: ["--source", "jira", "--input", "-"], want: { error: /--input reads the output of `gh project item-list`; it does not go with --source jira/ } },
  { argv: ["--source", "jira", "--owner", "acme"], want: { error: /--owner is about a GitHub Project; it does not go with --source jira/ } },
  { argv: ["--source", "github", "--all"], want: { error: /--all adds the released Jira versions; it needs --source jira/ } },
  { argv: ["--source", "gitlab"], want: { error: /--source expects github or jira, not 'gitlab'/ } },
]);

table("cloud groom check", (runF) => groomCheck.command(runF as never), [
  { argv: [], want: { keys: [], format: "table" } },
  { argv: ["cloud-42", "CLOUD-43", "CLOUD-42"], want: { keys: ["CLOUD-42", "CLOUD-43"] } },
  { argv: ["--project", "cloud", "--label", " next-session ", "--phase", "estimate"], want: { keys: [], project: "CLOUD", label: "next-session", phase: "estimate" } },
  { argv: ["--jql", "project = CLOUD ORDER BY key", "--json"], want: { jql: "project = CLOUD ORDER BY key", format: "json" } },
  { argv: ["--format", "markdown", "--phase", "refine"], want: { format: "markdown", phase: "refine" } },
  { argv: ["CLOUD-42", "not-a-key"], want: { error: /^'not-a-key' is not a Jira issue key/ } },
  { argv: ["42"], want: { error: /^'42' is not a Jira issue key/ } },
  { argv: ["--phase", "friday"], want: { error: /--phase expects refine or estimate, not 'friday'/ } },
  { argv: ["--project", "C"], want: { error: /--project expects a Jira project key such as CLOUD, not 'C'/ } },
  { argv: ["--label", " "], want: { error: /--label expects a label such as grooming/ } },
  { argv: ["--label", "a\nb"], want: { error: /without control characters/ } },
  { argv: ["--jql", ""], want: { error: /--jql expects a query/ } },
  { argv: ["CLOUD-42", "--jql", "project = CLOUD"], want: { error: /give issue keys or --jql, not both/ } },
  { argv: ["CLOUD-42", "--project", "CLOUD"], want: { error: /issue keys select exactly those issues, so --project has nothing to do/ } },
  { argv: ["--jql", "x = 1", "--label", "grooming"], want: { error: /--jql selects the issues by itself, so --label has nothing to do/ } },
  { argv: ["--json", "--format", "markdown"], want: { error: /--json and --format markdown ask for different outputs/ } },
  { argv: ["--format", "github"], want: { error: /--format expects table, json or markdown, not 'github'/ } },
  { argv: ["--offline"], want: { error: /unknown option '--offline'/ } },
]);

table("cloud status update", (runF) => statusUpdate.command(runF as never), [
  { argv: [], want: { format: "text" } },
  { argv: ["--since", "2026-01-05"], want: { since: { day: "2026-01-05" } } },
  { argv: ["--since", "3d"], want: { since: { daysAgo: 3 } } },
  { argv: ["--since", "0d", "--json"], want: { since: { daysAgo: 0 }, format: "json" } },
  { argv: ["--format", "markdown"], want: { format: "markdown" } },
  { argv: ["--format", "json", "--json"], want: { format: "json" } },
  { argv: ["--since", "yesterday"], want: { error: /--since expects a day such as 2026-01-05 or a number of days such as 3d, not 'yesterday'/ } },
  { argv: ["--since", "2026-02-30"], want: { error: /--since expects a day/ } },
  { argv: ["--since", "-3d"], want: { error: /--since expects a day/ } },
  { argv: ["--json", "--format", "markdown"], want: { error: /--json and --format markdown ask for different outputs/ } },
  { argv: ["--format", "table"], want: { error: /--format expects text, markdown or json, not 'table'/ } },
  { argv: ["CLOUD-42"], want: { error: /too many arguments/ } },
]);
