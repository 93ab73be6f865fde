/** `cloud project init [title]`: scaffold project.md and rfc.md from templates. */
import { existsSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import type { Context } from "../../context.js";
import type { MilestoneInput } from "../../projects/scaffold.js";
import { isCalendarDate, localDay } from "../../text/dates.js";
import { RefusedError, UsageError } from "../../errors.js";
import { sanitizeText } from "../../io/sanitize.js";
import { actionFor, collect, examples, optionsParser, type RunF } from "../shape.js";

export const parseOptions = optionsParser((z) => {
  const text = z.optional(z.string());
  const flag = z._default(z.boolean(), false);
  return z.pipe(
    z.object({
      title: text,
      titleArg: text,
      dri: text,
      epic: text,
      stakeholder: z._default(z.array(z.string()), []),
      milestone: z._default(z.array(z.string()), []),
      dir: z.optional(z.string().check(z.trim(), z.minLength(1, "--dir expects a folder"))),
      yes: flag,
      force: flag,
      dryRun: flag,
    }),
    z.transform(({ titleArg, stakeholder, milestone, ...o }) => ({ ...o, title: o.title ?? titleArg, stakeholders: stakeholder, milestones: milestone })),
  );
});

export type InitOptions = Awaited<ReturnType<typeof parseOptions>>;

export function command(runF: RunF<InitOptions>): Command {
  const init = new Command("init")
    .description("scaffold a project folder: project.md (front matter) and rfc.md, from templates")
    .argument("[title]", "the project's title (same as --title)")
    .option("--title <text>", "the project's title; the folder name is made from it")
    .option("--dri <handle>", "the directly responsible individual, e.g. @alice")
    .option("--epic <KEY>", "the Jira epic, e.g. CLOUD-1")
    .option("--stakeholder <name>", "a stakeholder (repeatable)", collect)
    .option("--milestone <name@YYYY-MM-DD>", "a milestone and its due date (repeatable)", collect)
    .option("--dir <docs dir>", "where projects live (default: docs.dir from cloud.config.yaml)")
    .option("-y, --yes", "take the defaults and never prompt")
    .option("--force", "overwrite existing files")
    .option("--dry-run", "print what would be written and write nothing")
    .action(actionFor(["titleArg"], parseOptions, runF));
  return examples(init, [
    `cloud project init                                  # asks for what it needs`,
    `cloud project init "Add support for a new region" --dri @alice --epic CLOUD-1 \\`,
    `    --stakeholder "@bob (Product)" --milestone "M1: POC@2026-12-15" --yes`,
    `cloud project init "New region" --dri @alice --dry-run`,
  ]);
}

/** "M1: POC@2026-12-15" → { name: "M1: POC", due: "2026-12-15" }; the last @ separates. */
export function parseMilestone(text: string): MilestoneInput {
  const at = text.lastIndexOf("@");
  const name = at === -1 ? "" : text.slice(0, at).trim();
  const due = at === -1 ? "" : text.slice(at + 1).trim();
  if (!name || !isCalendarDate(due)) {
    throw new UsageError(`--milestone '${text}' is not 'name@YYYY-MM-DD'`, { hint: `Write it like --milestone "M1: POC@2026-12-15".` });
  }
  return { name, due };
}

async function ask(ctx: Context, options: InitOptions): Promise<InitOptions> {
  const prompter = await ctx.prompter();
  const { parseIssueRef } = await import("../../trackers/refs.js");
  const filled = { ...options };
  const required = (what: string) => (v: string) => (v.trim() !== "" ? true : `${what} is required`);
  // The title is checked first and as it is typed: a title that makes no folder name is refused here,
  // not after every other answer.
  const { slugify } = await import("../../text/ascii.js");
  filled.title ??= (
    await prompter.input({
      message: "Project title",
      validate: (v) => (v.trim() === "" ? "A title is required" : slugify(v) === "" ? "Use a title with some ASCII letters or digits" : true),
    })
  ).trim();
  filled.dri ??= (await prompter.input({ message: "DRI (directly responsible individual)", validate: required("A DRI") })).trim();
  if (filled.epic === undefined) {
    const epic = await prompter.input({
      message: "Jira epic (optional, e.g. CLOUD-1)",
      default: "",
      validate: (v) => (v.trim() === "" || parseIssueRef(v)?.kind === "jira" ? true : "expected a Jira key such as CLOUD-1"),
    });
    filled.epic = epic.trim() || undefined;
  }
  if (options.stakeholders.length === 0) {
    const answer = await prompter.input({ message: "Stakeholders (optional, comma-separated)", default: "" });
    filled.stakeholders = splitList(answer);
  }
  if (options.milestones.length === 0) {
    const answer = await prompter.input({
      message: "Milestones (optional, name@YYYY-MM-DD separated by ;)",
      default: "",
      validate: (v) => {
        try {
          v.split(";").map((s) => s.trim()).filter(Boolean).forEach(parseMilestone);
          return true;
        } catch (error) {
          return (error as Error).message;
        }
      },
    });
    filled.milestones = answer.split(";").map((s) => s.trim()).filter(Boolean);
  }
  return filled;
}

export async function run(ctx: Context, input: InitOptions): Promise<number> {
  let options = input;
  if (ctx.io.canPrompt && !options.yes) options = await ask(ctx, options);

  const title = options.title?.trim();
  const dri = options.dri?.trim();
  if (!title) throw new UsageError("a title is required", { hint: "Pass it as an argument or with --title." });
  if (!dri) throw new UsageError("a DRI is required", { hint: "Pass --dri @handle." });
  const milestones = options.milestones.map(parseMilestone);
  const [{ parseIssueRef }, { slugify }, { renderProject }, { readTemplate }, { loadGates }, { displayPath }, files, { config, root }] = await Promise.all([
    import("../../trackers/refs.js"),
    import("../../text/ascii.js"),
    import("../../projects/scaffold.js"),
    import("../../projects/templates.js"),
    import("../../gates/load-gates.js"),
    import("../../projects/read.js"),
    import("../../io/atomic-write.js"),
    ctx.config(),
  ]);
  let epic: string | undefined;
  if (options.epic) {
    const ref = parseIssueRef(options.epic);
    if (ref?.kind !== "jira") throw new UsageError(`--epic '${options.epic}' is not a Jira key`, { hint: "Use a key such as CLOUD-1." });
    epic = ref.key;
  }

  const slug = slugify(title);
  if (!slug) {
    throw new UsageError(`cannot make a folder name from the title '${title}'`, { hint: "Use a title with some ASCII letters or digits." });
  }
  const docsDir = options.dir ? path.resolve(ctx.cwd, options.dir) : path.resolve(root, config.docs.dir);
  const projectDir = path.resolve(docsDir, slug);
  // The slug is [a-z0-9-] only; this guards the invariant that it never leaves the docs folder.
  if (path.dirname(projectDir) !== docsDir) throw new UsageError(`refusing to write outside ${docsDir}`);

  const templatesDir = config.docs.templates ? path.resolve(root, config.docs.templates) : null;
  const [gates, projectTemplate, rfcTemplate] = await Promise.all([
    loadGates(),
    readTemplate("project.md", templatesDir),
    readTemplate("rfc.md", templatesDir),
  ]);
  const rendered = renderProject({ project: projectTemplate, rfc: rfcTemplate }, gates, {
    title,
    dri,
    epic,
    stakeholders: options.stakeholders.map((s) => s.trim()).filter(Boolean),
    milestones,
    date: localDay(ctx.now()),
  });
  const targets = [
    { file: path.join(projectDir, "project.md"), content: rendered.project },
    { file: path.join(projectDir, "rfc.md"), content: rendered.rfc },
  ];
  const shown = (file: string) => displayPath(file, ctx.cwd);

  const existing = targets.filter((t) => existsSync(t.file));
  if (existing.length > 0 && !options.force) {
    throw new RefusedError(`${existing.map((t) => shown(t.file)).join(" and ")} already exist${existing.length === 1 ? "s" : ""}; nothing was written`, {
      hint: "Pass --force to overwrite, or choose another title.",
    });
  }

  const out = await ctx.output();
  if (options.dryRun) {
    for (const t of targets) {
      out.line(`=== ${out.clean(shown(t.file))} (dry run: not written) ===`);
      out.line(sanitizeText(t.content.trimEnd()));
      out.line();
    }
    return 0;
  }
  // Both files or neither: a full disk, a symlinked folder or a file that appears meanwhile leaves nothing behind.
  await files.writeAllOrNothing(targets, { overwrite: options.force, root: docsDir, display: shown });
  for (const t of targets) out.line(out.clean(shown(t.file)));
  if (ctx.io.stderrIsTTY) out.info(`Next: write the RFC, then run \`cloud dor check ${quoteArg(shown(projectDir))}\`.`);
  return 0;
}

/** A path as a shell needs it typed, so the hint can be copied. */
function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** "@bob (Product, Billing), @carol" → ["@bob (Product, Billing)", "@carol"]: commas inside brackets stay. */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(" || char === "[") depth++;
    if ((char === ")" || char === "]") && depth > 0) depth--;
    if (char === "," && depth === 0) {
      items.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  items.push(current);
  return items.map((s) => s.trim()).filter(Boolean);
}
