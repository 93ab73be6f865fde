/**
 * `cloud dor check` / `cloud dod check`: judge every criterion of a gate for one project, several,
 * or every project under the docs folder.
 */
import { Command } from "commander";
import type { Context } from "../../context.js";
import { criteriaHelp } from "../../gates/criteria-help.js";
import type { GateId } from "../../gates/definitions.js";
import { UsageError } from "../../errors.js";
import { actionFor, chosenFormat, examples, optionsParser, outputFormat, withOutputFlags, type RunF } from "../shape.js";

const FORMATS = ["table", "json", "markdown", "github"] as const;

export const parseOptions = optionsParser((z) =>
  z
    .object({
      paths: z.array(z.string()).default([]),
      ...outputFormat(z, FORMATS),
      offline: z.boolean().default(false),
    })
    .transform(({ json, format, ...o }) => ({ ...o, format: chosenFormat({ json, format }, "table") })),
);

export type CheckOptions = Awaited<ReturnType<typeof parseOptions>>;

export const GATE_TITLES: Record<GateId, string> = { dor: "Definition of Ready", dod: "Definition of Done" };

export function command(gate: GateId, runF: RunF<CheckOptions>): Command {
  const check = withOutputFlags(
    new Command("check")
      .description(`check the ${GATE_TITLES[gate]} of projects (no path: every project under docs.dir)`)
      .argument("[path...]", "project folders or project.md files"),
    FORMATS,
  )
    .option("--offline", "skip criteria that need Jira or GitHub (they show as skipped and do not fail the gate)")
    .action(actionFor(["paths"], parseOptions, runF));
  examples(check, [
    `cloud ${gate} check                          # every project under docs.dir`,
    `cloud ${gate} check docs/projects/new-region  # one project`,
    `cloud ${gate} check --offline --format github # annotations in GitHub Actions, no network`,
    `cloud ${gate} check --json | jq '.projects[] | select(.passed | not) | .path'`,
  ]);
  check.addHelpText(
    "after",
    `\nStatus of a criterion: met, unmet, waived (front matter 'waivers:' with a reason) or skipped (--offline).\nExit status: 0 when no criterion is unmet, 1 when one is, 2 on malformed input.\n`,
  );
  // The ids to waive, read from the gate definitions when help is shown (not at start-up).
  return check.addHelpText("after", () => `Criteria (ids for 'waivers:'):\n${criteriaHelp(gate)}\n`);
}

export async function run(ctx: Context, gateId: GateId, options: CheckOptions): Promise<number> {
  const path = await import("node:path");
  const [{ loadGates }, load, { evaluate, checkWaiverIds, linkedRefs }, { render, renderMarkdown }, { gitTopLevel }, { appendFile }, { lookupLinkedIssues, notSetUpError }, { localDay }] = await Promise.all([
    import("../../gates/definitions.js"),
    import("../../projects/read.js"),
    import("../../gates/judge.js"),
    import("../../gates/render.js"),
    import("../../git/top-level.js"),
    import("node:fs/promises"),
    import("../../trackers/linked-issues.js"),
    import("../../text/dates.js"),
  ]);
  const [gates, { config, root }] = await Promise.all([loadGates(), ctx.config()]);
  const gate = gates[gateId];

  let files: string[];
  if (options.paths.length > 0) {
    files = await Promise.all(options.paths.map((p) => load.resolveProjectPath(p, ctx.cwd)));
  } else {
    const docsDir = path.resolve(root, config.docs.dir);
    files = await load.discoverProjects(docsDir);
    if (files.length === 0) {
      const { RefusedError } = await import("../../errors.js");
      throw new RefusedError(`no projects found under ${load.displayPath(docsDir, ctx.cwd)}`, {
        hint: "Create one with `cloud project init`, or pass a project path.",
      });
    }
  }
  files = [...new Set(files)];

  // Read and validate everything first: a malformed file stops the run before any output.
  const projects = files.map((f) => load.loadProject(f, ctx.cwd));
  for (const p of projects) checkWaiverIds(p.project, gates);

  const day = localDay(ctx.now());
  const refs = projects.flatMap((p) => linkedRefs(gate, p.project.frontMatter, day));
  const linked = await lookupLinkedIssues(ctx, refs, { offline: options.offline });

  const results = projects.map((p) => evaluate(gate, { ...p, linked, today: day }));
  // A tracker that was needed and is not set up: everything else is judged and printed, and the
  // gate does not pass unchecked.
  const missing = notSetUpError(linked);
  const report = { gate: gateId, passed: !missing && results.every((r) => r.passed), projects: results };
  const out = await ctx.output();
  render(report, options.format, out, { gateName: gate.name, cwd: ctx.cwd, annotationRoot: ctx.env.GITHUB_WORKSPACE || gitTopLevel(ctx.cwd) || root });
  if (options.format === "github" && ctx.env.GITHUB_STEP_SUMMARY) {
    // The job summary shows every unmet criterion, where annotations stop at ten a step.
    const summary = ctx.env.GITHUB_STEP_SUMMARY;
    await appendFile(summary, `${renderMarkdown(report, gate.name, out.clean)}\n`).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot append the report to GITHUB_STEP_SUMMARY (${summary}): ${error.code ?? error.message}`, {
        hint: "Check that it names a writable file, as GitHub Actions sets it.",
      });
    });
  }
  if (missing) throw missing;
  return report.passed ? 0 : 1;
}
