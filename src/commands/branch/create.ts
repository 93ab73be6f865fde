/**
 * `cloud branch [key]`: look the Jira issue up and create + switch to `<slug-of-summary>-<KEY>`.
 *
 * Only light modules load up front: Jira (jira.js, zod), the prompter and git come through the context
 * when they are needed, so `cloud branch KEY --title x` never loads jira.js. Plain lines go straight to
 * the context's streams: the branch name on stdout, everything else on stderr.
 */
import { Command } from "commander";
import type { Context } from "../../context.js";
import { JIRA_KEY } from "../../trackers/refs.js";
import { branchName, branchNameProblem } from "../../git/branch-name.js";
import { ExitCode, RefusedError, UsageError } from "../../errors.js";
import { sanitizeLine } from "../../io/sanitize.js";
import { branchExists, createBranch, isWorkTree, resolveCommit } from "../../git/branches.js";
import type { JiraClient, JiraIssueSummary } from "../../trackers/jira/jira.js";
import { actionFor, examples, optionsParser, type RunF } from "../shape.js";

export const parseOptions = optionsParser((z) =>
  z.object({
    /** As typed: CLOUD-42, cloud-42, or 42 with jira.project set. Absent: pick on a terminal. */
    key: z.optional(z.string()),
    /** Use this as the summary; Jira is not asked. */
    title: z.optional(z.string()),
    /** Start point; the current HEAD when absent. */
    base: z.optional(z.string()),
    dryRun: z._default(z.boolean(), false),
    /** false with --no-switch. */
    switch: z._default(z.boolean(), true),
  }),
);

export type BranchOptions = Awaited<ReturnType<typeof parseOptions>>;

export function command(runF: RunF<BranchOptions>): Command {
  const command = new Command("branch")
    .description("look a Jira issue up and create + switch to a branch named <slug-of-summary>-<KEY>")
    .argument("[key]", "Jira issue key such as CLOUD-42, or a number when jira.project is set; on a terminal, leave it out to pick one of your open issues")
    .option("--title <text>", "name the branch after this text instead of the issue's summary (Jira is not asked)")
    .option("--base <ref>", "start the branch at this branch, tag or commit (default: the current HEAD)")
    .option("--dry-run", "print the branch name and create nothing")
    .option("--no-switch", "create the branch but stay on the current one")
    .action(actionFor(["key"], parseOptions, runF));
  examples(command, [
    "cloud branch CLOUD-42                  # the-answer-to-everything-CLOUD-42",
    "cloud branch 42                        # with jira.project: CLOUD in cloud.config.yaml",
    'cloud branch CLOUD-42 --title "Fix login on Safari" --dry-run',
    "cloud branch CLOUD-42 --base origin/main --no-switch",
    "cloud branch                           # on a terminal: pick from your open issues",
  ]);
  return command.addHelpText(
    "after",
    `The name is branch.format from cloud.config.yaml ("{slug}-{key}" by default) cut to branch.maxLength
(60) at a word boundary. Uncommitted changes come along to the new branch, as with git switch -c;
nothing is stashed or reset. An existing branch of that name is exit 1.

Jira: JIRA_HOST, and JIRA_EMAIL + JIRA_API_TOKEN (or JIRA_API_TOKEN with JIRA_AUTH_TYPE=bearer).
`,
  );
}

export async function run(ctx: Context, opts: BranchOptions): Promise<number> {
  // Everything the user typed is checked before git or Jira is asked anything.
  const title = opts.title?.trim();
  if (opts.title !== undefined && !title) throw new UsageError("--title is empty", { hint: 'Give the text to name the branch after, such as --title "Fix login".' });
  if (opts.base !== undefined && (opts.base.trim() === "" || opts.base.startsWith("-"))) {
    throw new UsageError(`--base expects a branch, tag or commit, not '${opts.base}'`);
  }
  if (opts.key !== undefined) checkKeySyntax(opts.key);
  if (opts.key === undefined && title !== undefined) {
    throw new UsageError("--title needs an issue key", { hint: `Give one: cloud branch CLOUD-42 --title "${title}"` });
  }
  if (opts.key === undefined && !ctx.io.canPrompt) {
    throw new UsageError("the issue key is missing, and there is no terminal to pick one on", { hint: "Give it, as in: cloud branch CLOUD-42" });
  }

  const { config } = await ctx.config();
  const key = opts.key === undefined ? undefined : resolveKey(opts.key, config.jira.project);
  const git = await ctx.git();
  // Git's answers come before Jira's, so a wrong folder or base costs no request.
  if (!(await isWorkTree(git))) {
    throw new UsageError("this is not inside a git working tree", { hint: "Run cloud branch from inside the repository." });
  }
  if (opts.base !== undefined && (await resolveCommit(git, opts.base)) === null) {
    throw new UsageError(`--base '${opts.base}' is not a branch, tag or commit in this repository`, {
      hint: "Check the name; for a remote branch, run git fetch first.",
    });
  }

  if (title !== undefined && config.branch.format.includes("{type}")) {
    throw new UsageError(`branch.format '${config.branch.format}' needs the issue type, which --title does not give`, {
      hint: "Leave out --title so Jira is asked, or remove {type} from branch.format in cloud.config.yaml.",
    });
  }
  const issue = await findIssue(ctx, key, title);
  const name = branchName({ ...issue, format: config.branch.format, maxLength: config.branch.maxLength });
  const problem = branchNameProblem(name);
  if (problem) {
    throw new UsageError(`branch.format '${config.branch.format}' gives '${name}', which git refuses as a branch name: ${problem}`, {
      hint: "Change branch.format in cloud.config.yaml.",
    });
  }
  if (await branchExists(git, name)) {
    throw new RefusedError(`branch '${name}' already exists`, { hint: `Run "git switch ${name}" to use it.` });
  }

  const from = opts.base ?? "HEAD";
  if (opts.dryRun) {
    ctx.io.stdout.write(`${name}\n`);
    ctx.io.stderr.write(`Dry run: would create ${name} at ${from}${opts.switch === false ? "" : " and switch to it"}; nothing was created.\n`);
    return ExitCode.ok;
  }
  await createBranch(git, name, { base: opts.base, switchTo: opts.switch !== false });
  ctx.io.stdout.write(`${name}\n`);
  ctx.io.stderr.write(opts.switch === false ? `Created branch ${name} at ${from}; still on the current branch.\n` : `Switched to a new branch ${name} (from ${from}).\n`);
  return ExitCode.ok;
}

/** A key, or a bare number for jira.project; anything else never reaches Jira. */
function checkKeySyntax(text: string): void {
  const upper = text.trim().toUpperCase();
  if (!/^[1-9][0-9]*$/.test(upper) && !JIRA_KEY.test(upper)) {
    throw new UsageError(`'${text}' is not a Jira issue key`, { hint: "Give a key such as CLOUD-42: the project key, a dash, the issue number." });
  }
}

/** CLOUD-42 from `cloud-42`, or from `42` with jira.project: CLOUD. */
function resolveKey(text: string, project: string | null): string {
  const upper = text.trim().toUpperCase();
  if (JIRA_KEY.test(upper)) return upper;
  if (!project) {
    throw new UsageError(`'${text}' is a bare number, and jira.project is not set`, {
      hint: "Give the whole key, such as CLOUD-42, or set jira.project in cloud.config.yaml.",
    });
  }
  return `${project}-${upper}`;
}

/** Key, summary and type: from --title, from Jira, or picked from the user's open issues. */
async function findIssue(ctx: Context, key: string | undefined, title: string | undefined): Promise<{ key: string; summary: string; type?: string }> {
  if (key !== undefined && title !== undefined) return { key, summary: title };
  const jira = await connect(ctx);
  if (key === undefined) return pickIssue(ctx, jira);
  const found = await jira.getIssue(key);
  // Jira answers for a moved issue under its new key; the branch must carry the key that links.
  if (found.key !== key) ctx.io.stderr.write(`${key} has moved to ${found.key}; naming the branch after ${found.key}.\n`);
  return found;
}

async function connect(ctx: Context): Promise<JiraClient> {
  try {
    return await ctx.jira();
  } catch (error) {
    // Missing or malformed Jira settings: there is a way round them for this command.
    if (error instanceof UsageError) {
      throw new UsageError(error.message, {
        hint: `${error.hint ?? ""} Or pass --title "<summary>" to name the branch without asking Jira.`.trim(),
        cause: error,
      });
    }
    throw error;
  }
}

async function pickIssue(ctx: Context, jira: JiraClient): Promise<JiraIssueSummary> {
  const issues = await jira.myOpenIssues();
  if (issues.length === 0) {
    throw new UsageError("no key was given, and no open Jira issues are assigned to you", { hint: "Give one, as in: cloud branch CLOUD-42" });
  }
  const prompter = await ctx.prompter();
  return prompter.select({
    message: "Branch for which issue?",
    // Summaries and types are Jira's text: the pick list draws them on the terminal.
    choices: issues.map((issue) => ({ name: `${issue.key}  ${sanitizeLine(issue.summary)}`, value: issue, description: sanitizeLine(issue.type) })),
  });
}
