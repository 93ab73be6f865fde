/**
 * How a grooming session's verdict is shown: grouped by assignee (no assignee first) on a terminal,
 * fitted to its width; one tab-separated line per issue and criterion for scripts; JSON; Markdown for
 * the session's description or a chat post. Pure: the report in, text out. Text from Jira (summaries,
 * names) passes `clean` first in every format but JSON.
 */
import type { Output } from "../io/output.js";
import { displayWidth, fit, pad, wrap } from "../io/width.js";
import { byAssignee, PHASE_TEXT, type AssigneeGroup, type GroomIssue, type GroomReport } from "./grooming.js";
import type { IssueCriterionResult } from "./issue-readiness.js";

export type GroomFormat = "table" | "json" | "markdown";

type Status = IssueCriterionResult["status"];

const SYMBOL: Record<Status, string> = { met: "✓", unmet: "✗", skipped: "-" };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "Passed: all 5 issues are ready for the refine phase." / "Not passed: 3 of 5 issues are ready for the estimate phase." */
export function verdict(report: GroomReport): string {
  const total = report.issues.length;
  const ready = report.issues.filter((i) => i.passed).length;
  const phase = `the ${report.phase} phase`;
  if (report.passed) return `Passed: ${total === 1 ? "the issue is" : `all ${plural(total, "issue")} are`} ready for ${phase}.`;
  return `Not passed: ${ready} of ${plural(total, "issue")} ${ready === 1 ? "is" : "are"} ready for ${phase}.`;
}

/** "3 of 5 issues ready", "all 5 issues ready". */
function readyCount(report: GroomReport): string {
  const total = report.issues.length;
  const ready = report.issues.filter((i) => i.passed).length;
  return ready === total ? `${total === 1 ? "the issue" : `all ${plural(total, "issue")}`} ready` : `${ready} of ${plural(total, "issue")} ready`;
}

function groupTitle(group: AssigneeGroup, clean: (s: string) => string): string {
  return group.assignee === null ? "No assignee" : clean(group.assignee);
}

function groupCounts(group: AssigneeGroup): string {
  const open = group.issues.filter((i) => !i.passed).length;
  return `${plural(group.issues.length, "issue")}, ${open === 0 ? "all ready" : `${open} to finish`}`;
}

export function renderGroom(report: GroomReport, format: GroomFormat, out: Output): void {
  switch (format) {
    case "json":
      return out.json(report);
    case "markdown":
      return out.line(renderGroomMarkdown(report, out.clean).trimEnd());
    case "table":
      return out.tty ? renderTerminal(report, out) : renderPlain(report, out);
  }
}

// ---------------------------------------------------------------------------------------------
// Terminal

function renderTerminal(report: GroomReport, out: Output): void {
  const { chalk, clean } = out;
  const width = Math.max(40, out.columns);
  const paint: Record<Status, (s: string) => string> = { met: chalk.green, unmet: chalk.red, skipped: chalk.dim };
  const mark = (passed: boolean) => (passed ? chalk.green("✓") : chalk.red("✗"));

  for (const line of wrap(`Grooming, ${report.phase} phase: ${PHASE_TEXT[report.phase]}.`, width, 3)) out.line(chalk.dim(line));

  const keyWidth = Math.max(0, ...report.issues.map((i) => displayWidth(i.key)));
  const unmetIds = report.issues.flatMap((i) => i.criteria.filter((c) => c.status === "unmet").map((c) => c.id));
  const idWidth = Math.max(0, ...unmetIds.map((id) => id.length));
  // Issue lines: "  ✓ KEY  summary"; criterion lines under them: "      ✗ id  detail".
  const criterionIndent = "      ";
  const detailIndent = " ".repeat(criterionIndent.length + 2 + idWidth + 2);

  for (const group of byAssignee(report.issues)) {
    out.line();
    const counts = ` (${groupCounts(group)})`;
    const title = fit(groupTitle(group, clean), Math.max(10, width - counts.length));
    out.line(`${chalk.bold(title)}${chalk.dim(counts)}`);
    for (const issue of group.issues) {
      const head = `  ${mark(issue.passed)} ${pad(issue.key, keyWidth)}  `;
      const room = width - (2 + 2 + keyWidth + 2);
      const summary = issue.summary === null ? chalk.dim("(not in Jira)") : fit(clean(issue.summary), room);
      out.line(`${head}${summary}`);
      // What is still owed: the unmet criteria, two lines of detail at most.
      for (const criterion of issue.criteria) {
        if (criterion.status !== "unmet") continue;
        const start = `${criterionIndent}${paint[criterion.status](SYMBOL[criterion.status])} ${pad(criterion.id, idWidth)}  `;
        const [first = "", second] = wrap(clean(criterion.detail), width - detailIndent.length, 2);
        out.line(`${start}${first}`);
        if (second !== undefined) out.line(`${detailIndent}${second}`);
      }
    }
  }
  out.line();
  out.line(chalk.bold(fit(verdict(report), width)));
}

/** Not a terminal: one line per issue and criterion, tab-separated: key, status, id, detail, assignee (empty when none). */
function renderPlain(report: GroomReport, out: Output): void {
  out.table(
    ["key", "status", "id", "detail", "assignee"],
    byAssignee(report.issues).flatMap((group) =>
      group.issues.flatMap((issue) => issue.criteria.map((c) => [issue.key, c.status, c.id, c.detail, issue.assignee ?? ""].map(out.clean))),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Markdown: the session's description, or a chat post

const EMOJI = { passed: "✅", failed: "❌" } as const;

/**
 * A URL that renderers would turn into a link on their own (and markdownlint's MD034 flags): given as
 * an autolink instead. Trailing punctuation stays outside, as GitHub's own autolinking leaves it.
 */
const BARE_URL = /\bhttps?:\/\/[^\s<>]*[^\s<>.,:;!?'")\]]/gi;

/**
 * Untrusted text as Markdown text that stays text: the characters that would start emphasis, code,
 * links, HTML or a heading are escaped, URLs become autolinks, and neither `www.` names nor email
 * addresses can turn into links.
 */
export function markdownText(text: string): string {
  const escape = (s: string) =>
    s
      .replace(/[\\`*_[\]<>#~|]/g, "\\$&")
      .replace(/@/g, "\\@")
      .replace(/\b(www)\./gi, "$1\\.");
  const line = text.replace(/[\r\n]+/g, " ");
  let out = "";
  let at = 0;
  for (const match of line.matchAll(BARE_URL)) {
    out += `${escape(line.slice(at, match.index))}<${match[0]}>`;
    at = match.index + match[0].length;
  }
  return out + escape(line.slice(at));
}

function issueItem(issue: GroomIssue, clean: (s: string) => string): string[] {
  const key = issue.url === null ? issue.key : `[${issue.key}](${issue.url})`;
  const summary = issue.summary === null || issue.summary === "" ? "" : ` ${markdownText(clean(issue.summary))}`;
  const lines = [`- ${issue.passed ? EMOJI.passed : EMOJI.failed} ${key}${summary}`];
  for (const c of issue.criteria) {
    if (c.status === "unmet") lines.push(`  - \`${c.id}\`: ${markdownText(clean(c.detail))}`);
  }
  return lines;
}

export function renderGroomMarkdown(report: GroomReport, clean: (s: string) => string = (s) => s): string {
  const parts = [
    `# ${report.passed ? EMOJI.passed : EMOJI.failed} Grooming, ${report.phase} phase: ${readyCount(report)}`,
    "",
    `${PHASE_TEXT[report.phase]}.`,
  ];
  for (const group of byAssignee(report.issues)) {
    parts.push("", `## ${markdownText(groupTitle(group, clean))} (${groupCounts(group)})`, "", ...group.issues.flatMap((issue) => issueItem(issue, clean)));
  }
  return `${parts.join("\n")}\n`;
}
