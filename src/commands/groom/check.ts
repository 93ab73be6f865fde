/**
 * `cloud groom check [KEY...]`: the grooming gate for tasks. The issues of the next session (those
 * labelled groom.label), the issues named, or those a JQL query selects, each judged by the rules of a
 * ready issue (gates/issue-readiness.ts) in the phase of the week; the report grouped by assignee.
 */
import { Command } from "commander";
import type { Context } from "../../context.js";
import { ExitCode, RemoteError, UsageError } from "../../errors.js";
import { groomReport, judgeGroomIssue, phaseOn, PHASES, sessionJql, SESSION_JQL_TEMPLATE, type GroomIssue } from "../../gates/grooming.js";
import type { JiraClient, JiraIssue } from "../../trackers/jira/jira.js";
import { JIRA_KEY, missingIssue } from "../../trackers/refs.js";
import { actionFor, chosenFormat, examples, optionsParser, outputFormat, withOutputFlags, type RunF } from "../shape.js";

const FORMATS = ["table", "json", "markdown"] as const;

/** Control characters have no place in a label, and would only make the query hard to read. */
const CONTROL = /[\u0000-\u001f\u007f]/;

export const parseOptions = optionsParser((z) =>
  z.pipe(
    z
      .object({
        keys: z.pipe(
          z._default(z.array(z.string()), []),
          z.transform((keys, ctx) => {
            const upper = keys.map((k) => k.trim().toUpperCase());
            const bad = keys.find((_, i) => !JIRA_KEY.test(upper[i]!));
            if (bad !== undefined) ctx.issues.push({ code: "custom", message: `'${bad}' is not a Jira issue key (expected something like CLOUD-42)`, input: keys });
            return [...new Set(upper)];
          }),
        ),
        project: z.optional(
          z.pipe(
            z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{1,9}$/, "--project expects a Jira project key such as CLOUD")),
            z.transform((s) => s.toUpperCase()),
          ),
        ),
        label: z.optional(
          z.string().check(
            z.trim(),
            z.minLength(1, "--label expects a label such as grooming"),
            z.refine((s) => !CONTROL.test(s), "--label expects a label such as grooming, without control characters"),
          ),
        ),
        jql: z.optional(z.string().check(z.trim(), z.minLength(1, "--jql expects a query, such as 'project = CLOUD AND sprint in openSprints()'"))),
        phase: z.optional(z.enum(PHASES, "--phase expects refine or estimate")),
        ...outputFormat(z, FORMATS),
      })
      .check(
        z.superRefine((o, ctx) => {
          const conflict = (message: string) => ctx.addIssue({ code: "custom", message });
          if (o.keys.length > 0 && o.jql !== undefined) conflict("give issue keys or --jql, not both: each selects the issues by itself");
          else if (o.keys.length > 0 && (o.project !== undefined || o.label !== undefined)) {
            conflict(`issue keys select exactly those issues, so ${o.project !== undefined ? "--project" : "--label"} has nothing to do; drop one of them`);
          } else if (o.jql !== undefined && (o.project !== undefined || o.label !== undefined)) {
            conflict(`--jql selects the issues by itself, so ${o.project !== undefined ? "--project" : "--label"} has nothing to do; put it in the query instead`);
          }
        }),
      ),
    z.transform(({ json, format, ...o }) => ({ ...o, format: chosenFormat({ json, format }, "table") })),
  ),
);

export type GroomCheckOptions = Awaited<ReturnType<typeof parseOptions>>;

export function command(runF: RunF<GroomCheckOptions>): Command {
  const check = withOutputFlags(
    new Command("check")
      .description("the grooming gate for tasks: owner, description, acceptance criteria, Fibonacci estimate")
      .argument("[KEY...]", "check exactly these Jira issues (default: the issues labelled for the next session)")
      .option("--project <KEY>", "the Jira project of the session (default: jira.project)")
      .option("--label <name>", "the label that puts an issue into the session (default: groom.label, grooming)")
      .option("--jql <query>", "check the issues this JQL query selects instead of the labelled ones")
      .option("--phase <phase>", "refine or estimate (default: from today's weekday)"),
    FORMATS,
  ).action(actionFor(["keys"], parseOptions, runF));
  examples(check, [
    "cloud groom check                             # the next session, in today's phase",
    "cloud groom check --phase estimate            # Thursday's view on a Tuesday",
    "cloud groom check CLOUD-42 CLOUD-43           # exactly these issues",
    "cloud groom check --jql 'project = CLOUD AND sprint in openSprints()'",
    "cloud groom check --format markdown           # for the session's description or a chat post",
    "cloud groom check --json | jq -r '.issues[] | select(.passed | not) | .key'",
  ]);
  return check.addHelpText(
    "after",
    `
The session: the issues that
  ${SESSION_JQL_TEMPLATE}
selects, where KEY is --project or jira.project and label is --label or groom.label; with keys,
exactly those issues (a key Jira does not have is unmet 'exists'); with --jql, what the query selects.

Each issue is judged as issues-ready in \`cloud dor check\` judges it: owner (an assignee),
description (text beyond headings and template boilerplate), acceptance-criteria (a heading or bold
line "Acceptance criteria" with content under it) and estimate (story points 0, 1, 2, 3, 5, 8, 13,
21, 34, 55 or 89; one point is about one engineer-day).

Phases, from today's local weekday unless --phase says:
  refine    Monday to Wednesday: each assignee writes the description and acceptance
            criteria of their issues; a missing estimate is skipped.
  estimate  Thursday and Friday (and the weekend): the team estimates in Fibonacci story
            points; every criterion counts.
An estimate that is not a Fibonacci number is unmet in both phases.

Output: on a terminal, the issues grouped by assignee (no assignee first); in a pipe, one line per
issue and criterion (key, status, id, detail, assignee), tab-separated.
Exit status: 0 when no criterion is unmet, 1 when one is or nothing is labelled, 2 on bad input or
missing Jira settings, 3 when Jira fails.

Jira: JIRA_HOST, and JIRA_EMAIL + JIRA_API_TOKEN (or JIRA_API_TOKEN with JIRA_AUTH_TYPE=bearer).
`,
  );
}

export async function run(ctx: Context, options: GroomCheckOptions): Promise<number> {
  const [{ config }, { renderGroom }, { issueFacts, readinessFields }] = await Promise.all([
    ctx.config(),
    import("../../gates/grooming-render.js"),
    import("../../trackers/jira/issue-facts.js"),
  ]);
  // Everything the user typed or configured is checked before Jira is asked anything.
  const selection = selectionOf(options, config.jira.project, config.groom.label);
  const phase = options.phase ?? phaseOn(ctx.now());

  const jira = await ctx.jira();
  const points = await jira.storyPointsFields();
  const fields = readinessFields(points);
  const out = await ctx.output();

  let issues: GroomIssue[];
  if (selection.kind === "keys") {
    const found = await jira.issuesByKeys(selection.keys, fields);
    const seen = new Set<string>();
    issues = [];
    for (const asked of selection.keys) {
      const issue = found.get(asked);
      // A moved issue is judged (and shown) under the key it has now, once.
      const key = issue?.key ?? asked;
      if (issue && key !== asked) out.info(`${asked} has moved to ${key}; checking ${key}.`);
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push(judgeGroomIssue(key, issue ? issueFacts(key, issue, points, jira.host) : missingIssue(key), phase));
    }
  } else {
    const selected = await search(jira, selection.jql, fields, selection.kind);
    issues = selected.map((issue) => judgeGroomIssue(issue.key, issueFacts(issue.key, issue, points, jira.host), phase));
  }

  const report = groomReport(issues, phase);
  // --json prints its document even for an empty session, so scripts always get one.
  if (options.format === "json" || issues.length > 0) renderGroom(report, options.format, out);
  if (issues.length === 0) {
    out.info(
      selection.kind === "label"
        ? `Nothing to groom: no open issue of ${selection.project} is labelled '${out.clean(selection.label)}'. Label the issues of the next session in Jira, or pass --label.`
        : "Nothing to groom: the --jql query selects no issues.",
    );
    return ExitCode.no;
  }
  return report.passed ? ExitCode.ok : ExitCode.no;
}

type Selection = { kind: "keys"; keys: string[] } | { kind: "label"; project: string; label: string; jql: string } | { kind: "jql"; jql: string };

function selectionOf(options: GroomCheckOptions, project: string | null, label: string): Selection {
  if (options.keys.length > 0) return { kind: "keys", keys: options.keys };
  if (options.jql !== undefined) return { kind: "jql", jql: options.jql };
  const key = options.project ?? project;
  if (!key) {
    throw new UsageError("no Jira project for the grooming session", {
      hint: "Pass --project <KEY>, set jira.project in cloud.config.yaml, or name the issues (cloud groom check CLOUD-42).",
    });
  }
  const chosen = options.label ?? label;
  return { kind: "label", project: key, label: chosen, jql: sessionJql(key, chosen) };
}

/** Every issue the query selects; a query Jira refuses (HTTP 400) is bad input, not a failure of Jira. */
async function search(jira: JiraClient, jql: string, fields: string[], kind: "label" | "jql"): Promise<JiraIssue[]> {
  try {
    return await jira.search(jql, fields);
  } catch (error) {
    if (!(error instanceof RemoteError) || error.status !== 400) throw error;
    throw new UsageError(`Jira refused the query ${JSON.stringify(jql)}: ${error.message}`, {
      hint: kind === "jql" ? "Check the query in Jira's issue search." : "Check the project key (--project or jira.project) and the label (--label or groom.label).",
      cause: error,
    });
  }
}
