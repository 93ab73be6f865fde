/**
 * `cloud dor check` / `cloud dod check`: judge every criterion of a gate for one project, several,
 * or every project under the docs folder.
 */
import { appendFile } from "node:fs/promises";
import path from "node:path";
import { Command } from "commander";
import type { Context } from "../../context.js";
import { criteriaHelp } from "../../gates/criteria-help.js";
import type { GateId } from "../../gates/definitions.js";
import type { ProjectResult } from "../../gates/judge.js";
import type { LoadedProject } from "../../projects/read.js";
import { InputError, InputErrors, problemsOf, RefusedError, UsageError, type InputProblemAt } from "../../errors.js";
import type { GateReport, InputProblem } from "../../gates/render.js";
import { actionFor, chosenFormat, examples, optionsParser, outputFormat, withOutputFlags, type RunF } from "../shape.js";

const FORMATS = ["table", "json", "markdown", "github"] as const;

export const parseOptions = optionsParser((z) =>
  z.pipe(
    z.object({
      paths: z._default(z.array(z.string()), []),
      ...outputFormat(z, FORMATS),
      offline: z._default(z.boolean(), false),
    }),
    z.transform(({ json, format, ...o }) => ({ ...o, format: chosenFormat({ json, format }, "table") })),
  ),
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
  const [{ loadGates }, load, { evaluate, checkWaiverIds, linkedRefs }, { render, renderMarkdown }, { gitTopLevel }, { lookupLinkedIssues, notSetUpError, OFFLINE_LOOKUP }, { localDay }] = await Promise.all([
    import("../../gates/load-gates.js"),
    import("../../projects/read.js"),
    import("../../gates/judge.js"),
    import("../../gates/render.js"),
    import("../../git/top-level.js"),
    import("../../trackers/linked-issues.js"),
    import("../../text/dates.js"),
  ]);
  const [gates, { config, root }] = await Promise.all([loadGates(), ctx.config()]);
  const gate = gates[gateId];

  // Every input problem of every project is reported from one run; the well-formed projects are judged.
  const failures: { path: string; error: InputError }[] = [];
  let files: string[];
  if (options.paths.length > 0) {
    files = await Promise.all(options.paths.map((p) => load.resolveProjectPath(p, ctx.cwd)));
  } else {
    const docsDir = path.resolve(root, config.docs.dir);
    const unreadable: InputProblemAt[] = [];
    files = await load.discoverProjects(docsDir, 4, ctx.cwd, unreadable);
    for (const u of unreadable) failures.push({ path: u.location ?? "", error: new InputError(u.message, u.location ? { location: u.location } : {}) });
    if (files.length === 0 && failures.length === 0) {
      throw new RefusedError(`no projects found under ${load.displayPath(docsDir, ctx.cwd)}`, {
        hint: "Create one with `cloud project init`, or pass a project path.",
      });
    }
  }
  files = [...new Set(files)];

  const day = localDay(ctx.now());
  // Offline there is nothing to look up, so each project is judged as soon as it is read and only its
  // result is kept; online, the linked issues of every project are looked up together first.
  // Offline there is nothing to look up, so each project is judged as soon as it is read and only its
  // result is kept (a check of many projects holds one at a time); online, the linked issues of every
  // project are looked up together first.
  const results: ProjectResult[] = [];
  const projects: LoadedProject[] = [];
  for (const file of files) {
    try {
      const project = load.loadProject(file, ctx.cwd);
      checkWaiverIds(project.project, gates);
      if (options.offline) results.push(evaluate(gate, { ...project, linked: OFFLINE_LOOKUP, today: day }));
      else projects.push(project);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      failures.push({ path: load.displayPath(file, ctx.cwd), error });
    }
  }
  const refs = projects.flatMap((p) => linkedRefs(gate, p.project.frontMatter, day));
  const linked = await lookupLinkedIssues(ctx, refs, { offline: options.offline });
  for (const project of projects) results.push(evaluate(gate, { ...project, linked, today: day }));
  // A tracker that was needed and is not set up: everything else is judged and printed, and the
  // gate does not pass unchecked.
  const missing = notSetUpError(linked);
  const problems: InputProblem[] = failures.flatMap(({ path: file, error }) =>
    problemsOf(error).map((p) => ({ path: file, location: p.location ?? file, message: p.message })),
  );
  const report: GateReport = {
    gate: gateId,
    passed: !missing && problems.length === 0 && results.every((r) => r.passed),
    projects: results,
    ...(problems.length > 0 ? { errors: problems } : {}),
  };
  const out = await ctx.output();
  // Nothing was judged: on a terminal the problems on stderr are the whole answer.
  if (results.length === 0 && failures.length > 0 && options.format === "table") throw inputFailure(failures);
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
  if (failures.length > 0) throw inputFailure(failures);
  if (missing) throw missing;
  return report.passed ? 0 : 1;
}

/** One problem: its own error, hint and all; several: every one of them, each on its line. */
function inputFailure(failures: { error: InputError }[]): InputError {
  const all = failures.flatMap((f) => problemsOf(f.error));
  return all.length === 1 ? failures[0]!.error : new InputErrors(all);
}
