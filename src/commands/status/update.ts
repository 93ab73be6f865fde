/**
 * `cloud status update`: draft the team's status update (priority / unexpected / help, then what is
 * done) from Jira, GitHub and git. The rules live in src/status/rules.ts; this file reads the flags,
 * gathers, and prints the template as text, Markdown or JSON.
 */
import { Command } from "commander";
import type { Context } from "../../context.js";
import { ExitCode } from "../../errors.js";
import { isCalendarDate } from "../../text/dates.js";
import { actionFor, chosenFormat, examples, optionsParser, outputFormat, withOutputFlags, type RunF } from "../shape.js";

const FORMATS = ["text", "markdown", "json"] as const;

const SINCE = "--since expects a day such as 2026-01-05 or a number of days such as 3d";

export const parseOptions = optionsParser((z) =>
  z.pipe(
    z.object({
      since: z.optional(
        z.pipe(
          z.string().check(
            z.trim(),
            z.refine((s) => /^[0-9]{1,4}d$/.test(s) || isCalendarDate(s), SINCE),
          ),
          z.transform((s) => (s.endsWith("d") ? { daysAgo: Number(s.slice(0, -1)) } : { day: s })),
        ),
      ),
      ...outputFormat(z, FORMATS),
    }),
    z.transform(({ json, format, ...o }) => ({ ...o, format: chosenFormat({ json, format }, "text") })),
  ),
);

export type UpdateOptions = Awaited<ReturnType<typeof parseOptions>>;

export function command(runF: RunF<UpdateOptions>): Command {
  const update = new Command("update")
    .description("draft your status update from Jira, GitHub and git")
    .option("--since <YYYY-MM-DD|Nd>", "what counts as recent: from this day, or N days ago (default: the start of the previous working day)")
    .action(actionFor([], parseOptions, runF));
  withOutputFlags(update, FORMATS);
  examples(update, [
    "cloud status update                        # paste it into Slack",
    "cloud status update --since 2026-01-05     # done, reopened and merged since that day",
    "cloud status update --since 3d --format markdown",
    "cloud status update --json | jq -r '.help[].ref'",
  ]);
  return update.addHelpText(
    "after",
    `
"Me" is the Jira user of the credentials and the GitHub user of the token.
Working days are Monday to Friday; an issue's days in progress count from the
day it last entered In Progress up to, not including, today ("day N" is that
count + 1).

What is my priority    my unresolved Jira issues in progress, the one the
                       current branch names first, then by rank; then my open
                       pull requests
What went unexpected   issues in progress for more working days than their
                       story points (never one without points); issues
                       reopened since --since
Where do I need help   unresolved issues flagged or in a status named Blocked;
                       open, non-draft pull requests without a review for more
                       than one working day since review was requested (else
                       since opened)
Done since <day>       issues whose status category became Done, and pull
                       requests merged, since --since

A section with nothing in it holds "- <content>" to write yourself. Jira or
GitHub may be missing: its lines are left out and one line on stderr says so;
with neither, the exit status is 2.

Jira: JIRA_HOST, and JIRA_EMAIL + JIRA_API_TOKEN (or JIRA_API_TOKEN with
JIRA_AUTH_TYPE=bearer). GitHub: GH_TOKEN, then GITHUB_TOKEN, then
\`gh auth token\`; GITHUB_GRAPHQL_URL for GitHub Enterprise Server.
`,
  );
}

export async function run(ctx: Context, options: UpdateOptions): Promise<number> {
  const [{ resolveSince }, { gatherStatus }, { buildStatusUpdate, keysInBranch }, template] = await Promise.all([
    import("../../status/calendar.js"),
    import("../../status/gather.js"),
    import("../../status/rules.js"),
    import("../../status/template.js"),
  ]);
  const now = ctx.now();
  const since = resolveSince(options.since, now);
  const gathered = await gatherStatus(ctx, since.at);
  const out = await ctx.output();
  for (const { name, error } of gathered.leftOut) {
    out.warn(`${name} is left out of the update: ${error.message.replace(/\.$/, "")}.${error.hint ? ` ${error.hint}` : ""}`);
  }
  const update = buildStatusUpdate({
    now,
    since,
    branchKeys: keysInBranch(gathered.branch),
    jira: gathered.jira,
    github: gathered.github,
  });
  if (options.format === "json") out.json(template.toJson(update));
  else out.line((options.format === "markdown" ? template.renderMarkdown : template.renderText)(update, out.clean).trimEnd());
  return ExitCode.ok;
}
