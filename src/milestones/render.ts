/**
 * How a milestone report is shown, whichever source it came from: a table on a terminal, one
 * tab-separated record per milestone otherwise, and Markdown for a weekly update, with a Mermaid chart
 * GitHub renders. Pure: text in, text out.
 */
import type { Output } from "../io/output.js";
import { renderMarkdownTable } from "../io/output.js";
import type { MilestoneReport, MilestoneState, MilestoneSummary } from "./summary.js";


function milestoneName(m: MilestoneSummary): string {
  return m.name ?? "(no milestone)";
}

function ratio(done: number, total: number): string {
  return `${done}/${total}`;
}

function bar(percent: number, width = 20): string {
  const full = Math.round((percent / 100) * width);
  return `${"█".repeat(full)}${"░".repeat(width - full)}`;
}

/**
 * What was left out, or "" when nothing was: "3 archived, 1 redacted items" (GitHub) or "2 sub-tasks"
 * (Jira); `noun: false` drops the trailing "items".
 */
export function skippedText(report: MilestoneReport, { noun = true } = {}): string {
  if (report.source === "jira") {
    const { subtasks } = report.skipped;
    return subtasks === 0 ? "" : `${subtasks} sub-task${subtasks === 1 ? "" : "s"}`;
  }
  const { archived, redacted } = report.skipped;
  if (archived === 0 && redacted === 0) return "";
  return `${archived} archived, ${redacted} redacted${noun ? " items" : ""}`;
}

/** A table on a terminal; otherwise one tab-separated record per milestone, no header, no colour. */
export function printTable(out: Output, report: MilestoneReport): void {
  const { chalk } = out;
  const paint: Record<MilestoneState, (s: string) => string> = {
    done: chalk.green,
    "on-track": chalk.cyan,
    "at-risk": chalk.yellow,
    overdue: chalk.red,
    "no-due-date": chalk.dim,
    released: chalk.blue,
  };
  if (!out.tty) {
    out.table(
      [],
      report.milestones.map((m) => [out.clean(milestoneName(m)), m.dueOn ?? "", ratio(m.done, m.total), `${m.percent}%`, ratio(m.points.done, m.points.total), m.state]),
    );
    const skipped = skippedText(report);
    if (skipped) out.info(`skipped: ${skipped}`);
    return;
  }
  const title = out.clean(report.project.title);
  out.line(chalk.bold(report.project.url ? `${title}  ${chalk.dim(out.clean(report.project.url))}` : title));
  out.table(
    ["Milestone", "Due", "Progress", "Items", "Points", "State"],
    report.milestones.map((m) => [
      out.clean(milestoneName(m)),
      m.dueOn ?? "—",
      `${paint[m.state](bar(m.percent))} ${String(m.percent).padStart(3)}%`,
      ratio(m.done, m.total),
      ratio(m.points.done, m.points.total),
      paint[m.state](m.state),
    ]),
  );
  const skipped = skippedText(report);
  if (skipped) out.line(chalk.dim(`Skipped: ${skipped}.`));
}

const STATE_MARK: Record<MilestoneState, string> = {
  done: "✅ done",
  "on-track": "🟢 on-track",
  "at-risk": "🟠 at-risk",
  overdue: "🔴 overdue",
  "no-due-date": "⚪ no-due-date",
  released: "📦 released",
};

/**
 * Markdown for a weekly update: a heading, a table, and a Mermaid `xychart-beta` bar chart of the
 * percentage done per milestone, which GitHub renders in issues, comments and files.
 */
/**
 * A milestone name as a chart label: only letters, digits, spaces and `. : _ -` survive, so no name can
 * change the chart's syntax or configuration (`%%`, directives, quotes, brackets); numbered, so two
 * names that read alike still make two bars; short, so labels never run into each other.
 */
export function chartLabel(name: string, index: number): string {
  let kept = "";
  for (const char of name.normalize("NFKC")) kept += /[\p{L}\p{N} .:_-]/u.test(char) ? char : " ";
  const words = kept.replace(/\s+/g, " ").trim();
  const short = [...words].length > 24 ? `${[...words].slice(0, 23).join("").trimEnd()}…` : words;
  return `"${index + 1}. ${short}"`.replace(/\.\s"$/, '."');
}

export function renderMarkdown(report: MilestoneReport, today: string, clean: (text: string) => string = (text) => text): string {
  const name = (m: MilestoneSummary) => escapeLinkText(clean(milestoneName(m)));
  const title = report.project.url ? `[${escapeLinkText(clean(report.project.title))}](${clean(report.project.url).replace(/[()<>\s]/g, encodeURIComponent)})` : escapeLinkText(clean(report.project.title));
  const rows = report.milestones.map((m, i) => [
    i + 1,
    name(m),
    m.dueOn ?? "—",
    `${bar(m.percent, 10)} ${m.percent}%`,
    `${m.done} / ${m.total}`,
    `${m.points.done} / ${m.points.total}`,
    STATE_MARK[m.state],
  ]);
  const lines = [
    `# Milestones of ${title}, ${today}`,
    "",
    renderMarkdownTable(["#", "Milestone", "Due", "Progress", "Items", "Points", "State"], rows, ["right", "left", "left", "left", "right", "right", "left"]).trimEnd(),
    "",
  ];
  const skipped = skippedText(report);
  if (skipped) lines.push(`Skipped: ${skipped}.`, "");
  // Horizontal bars: each label has a row of its own, so long names never overlap.
  lines.push(
    "```mermaid",
    "xychart-beta horizontal",
    '  title "Items done per milestone (%)"',
    `  x-axis [${report.milestones.map((m, i) => chartLabel(milestoneName(m), i)).join(", ")}]`,
    '  y-axis "Done (%)" 0 --> 100',
    `  bar [${report.milestones.map((m) => m.percent).join(", ")}]`,
    "```",
  );
  return lines.join("\n");
}

function escapeLinkText(text: string): string {
  return text.replace(/([\\[\]*_`<>])/g, "\\$1");
}
