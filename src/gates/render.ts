/** How a gate's verdict is shown: table (terminal), plain, JSON, Markdown, GitHub annotations. */
import type { CriterionResult, ProjectResult, Status } from "./judge.js";
import type { GateId } from "./definitions.js";
import { renderMarkdownTable, type Output } from "../io/output.js";

export type CheckFormat = "table" | "json" | "markdown" | "github";

export interface GateReport {
  gate: GateId;
  passed: boolean;
  projects: ProjectResult[];
}

const SYMBOL: Record<Status, string> = { met: "✓", unmet: "✗", waived: "~", skipped: "-" };

function counts(p: ProjectResult): Record<Status, number> {
  const c: Record<Status, number> = { met: 0, unmet: 0, waived: 0, skipped: 0 };
  for (const criterion of p.criteria) c[criterion.status]++;
  return c;
}

export function render(report: GateReport, format: CheckFormat, out: Output, gateName: string): void {
  switch (format) {
    case "json":
      return out.json(report);
    case "markdown":
      return out.line(renderMarkdown(report, gateName).trimEnd());
    case "github":
      return out.line(renderGitHub(report, gateName).trimEnd());
    case "table":
      return out.tty ? renderTerminal(report, out, gateName) : renderPlain(report, out);
  }
}

function renderTerminal(report: GateReport, out: Output, gateName: string): void {
  const { chalk } = out;
  const paint: Record<Status, (s: string) => string> = {
    met: chalk.green,
    unmet: chalk.red,
    waived: chalk.yellow,
    skipped: chalk.dim,
  };
  if (report.projects.length > 1) {
    out.table(
      ["", "project", "met", "unmet", "waived", "skipped", "path"],
      report.projects.map((p) => {
        const c = counts(p);
        return [p.passed ? chalk.green("✓") : chalk.red("✗"), p.title, c.met, c.unmet, c.waived, c.skipped, p.path];
      }),
    );
    out.line();
  }
  for (const p of report.projects) {
    const c = counts(p);
    out.line(`${p.passed ? chalk.green("✓") : chalk.red("✗")} ${chalk.bold(p.title)} ${chalk.dim(p.path)}`);
    out.table(
      ["", "criterion", "detail", "where"],
      p.criteria.map((r) => [paint[r.status](SYMBOL[r.status]), `${r.title}\n${chalk.dim(r.id)}`, r.detail, chalk.dim(r.location)]),
    );
    out.line(summaryLine(p, c, gateName));
    out.line();
  }
}

function summaryLine(p: ProjectResult, c: Record<Status, number>, gateName: string): string {
  const parts = [`${c.met} met`, `${c.unmet} unmet`, `${c.waived} waived`, `${c.skipped} skipped`].join(", ");
  return `${gateName}: ${p.passed ? "passed" : "not met"} (${parts})`;
}

/** Not a terminal: one criterion per line, tab-separated: path, status, id, detail, location. */
function renderPlain(report: GateReport, out: Output): void {
  out.table(
    ["path", "status", "id", "detail", "location"],
    report.projects.flatMap((p) => p.criteria.map((r) => [p.path, r.status, r.id, r.detail, r.location])),
  );
}

function renderMarkdown(report: GateReport, gateName: string): string {
  const parts: string[] = [];
  if (report.projects.length > 1) {
    parts.push(
      `## ${gateName}\n\n${renderMarkdownTable(
        ["", "Project", "Met", "Unmet", "Waived", "Skipped"],
        report.projects.map((p) => {
          const c = counts(p);
          return [p.passed ? "✅" : "❌", `${p.title} (\`${p.path}\`)`, c.met, c.unmet, c.waived, c.skipped];
        }),
      )}`,
    );
  }
  const emoji: Record<Status, string> = { met: "✅", unmet: "❌", waived: "⚪", skipped: "⏭️" };
  for (const p of report.projects) {
    parts.push(
      `### ${p.passed ? "✅" : "❌"} ${gateName}: ${p.title}\n\n${renderMarkdownTable(
        ["", "Criterion", "Detail", "Where"],
        p.criteria.map((r: CriterionResult) => [`${emoji[r.status]} ${r.status}`, `${r.title} (\`${r.id}\`)`, r.detail, `\`${r.location}\``]),
      )}`,
    );
  }
  return `${parts.join("\n")}`;
}

/** GitHub Actions workflow commands: data and property values are percent-escaped. */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function renderGitHub(report: GateReport, gateName: string): string {
  const lines: string[] = [];
  for (const p of report.projects) {
    for (const r of p.criteria) {
      if (r.status !== "unmet") continue;
      const match = /^(.*):(\d+)$/.exec(r.location);
      const file = match ? match[1]! : r.location;
      const line = match ? match[2]! : "1";
      lines.push(`::error file=${escapeProperty(file)},line=${line},title=${escapeProperty(`${gateName}: ${r.title} (${r.id})`)}::${escapeData(r.detail)}`);
    }
    const c = counts(p);
    lines.push(`::notice file=${escapeProperty(p.path)},title=${escapeProperty(`${gateName}: ${p.title}`)}::${escapeData(summaryLine(p, c, gateName))}`);
  }
  return lines.join("\n");
}
