/**
 * From argv to options, for every command, without running it: each command file's `command(runF)` is
 * handed a recorder instead of `run`, as cli/cli's `NewCmdX(f, runF)` seam does.
 */
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import * as branchCreate from "../../src/commands/branch/create.js";
import * as gateCheck from "../../src/commands/gate/check.js";
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
  { argv: ["--owner", "acme", "--project", "7", "--field", "Sprint"], want: { owner: "acme", project: 7, field: "Sprint" } },
  { argv: ["--input", "-", "--json"], want: { input: "-", format: "json" } },
  { argv: ["--format", "markdown"], want: { format: "markdown" } },
  { argv: ["--json", "--format", "markdown"], want: { error: /--json and --format markdown ask for different outputs/ } },
  { argv: ["--format", "github"], want: { error: /--format expects table, json or markdown, not 'github'/ } },
  { argv: ["--project", "seven"], want: { error: /--project expects a project number such as 7, not 'seven'/ } },
  { argv: ["--owner", "-acme"], want: { error: /--owner expects a GitHub login/ } },
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
