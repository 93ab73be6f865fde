/**
 * How a gate's verdict is shown: on a terminal (fitted to its width), plain lines for scripts, JSON,
 * Markdown for a pull-request comment, and GitHub Actions annotations. Pure: text in, text out.
 */
import path from "node:path";
import type { Output } from "../io/output.js";
import { renderMarkdownTable } from "../io/output.js";
import { displayWidth, fit, pad, wrap } from "../io/width.js";
import type { GateId } from "./definitions.js";
import type { CriterionResult, ProjectResult, Status } from "./judge.js";

export type CheckFormat = "table" | "json" | "markdown" | "github";

/** A problem with a project's input (malformed front matter, a bad waiver…), reported beside the verdicts. */
export interface InputProblem {
  /** project.md, relative to the working directory. */
  path: string;
  /** file:line:column, relative to the working directory. */
  location: string;
  message: string;
}

export interface GateReport {
  gate: GateId;
  passed: boolean;
  projects: ProjectResult[];
  /** Present only when some project could not be read. */
  errors?: InputProblem[];
}

export interface RenderOptions {
  /** "Definition of Ready" */
  gateName: string;
  /** The working directory: locations are relative to it. */
  cwd: string;
  /** GitHub annotations name files relative to this folder (GITHUB_WORKSPACE or the git top level). */
  annotationRoot: string;
}

const SYMBOL: Record<Status, string> = { met: "✓", unmet: "✗", waived: "~", skipped: "-" };
const EMOJI: Record<Status, string> = { met: "✅", unmet: "❌", waived: "⚪", skipped: "⏭️" };

function counts(p: ProjectResult): Record<Status, number> {
  const c: Record<Status, number> = { met: 0, unmet: 0, waived: 0, skipped: 0 };
  for (const criterion of p.criteria) c[criterion.status]++;
  return c;
}

function countsText(c: Record<Status, number>): string {
  return `${c.met} met, ${c.unmet} unmet, ${c.waived} waived, ${c.skipped} skipped`;
}

/** "2 of 3 projects pass the Definition of Ready" / "the project does not pass …". */
function verdict(report: GateReport, gateName: string): string {
  const total = report.projects.length;
  const passing = report.projects.filter((p) => p.passed).length;
  const problems = report.errors?.length ?? 0;
  const unread = problems > 0 ? `; ${problems} input problem${problems === 1 ? "" : "s"} to fix` : "";
  if (total === 1 && problems === 0) return `${report.passed ? "Passed" : "Not passed"}: ${gateName}.`;
  return `${report.passed ? "Passed" : "Not passed"}: ${passing} of ${total} project${total === 1 ? "" : "s"} meet the ${gateName}${unread}.`;
}

export function render(report: GateReport, format: CheckFormat, out: Output, options: RenderOptions): void {
  switch (format) {
    case "json":
      return out.json(report);
    case "markdown":
      return out.line(renderMarkdown(report, options.gateName, out.clean).trimEnd());
    case "github":
      return out.raw(renderGitHub(report, options, out.clean).trimEnd());
    case "table":
      return out.tty ? renderTerminal(report, out, options.gateName) : renderPlain(report, out);
  }
}

// ---------------------------------------------------------------------------------------------
// Terminal

/** A location shown under its project: `rfc.md:9` rather than the whole path again. */
function near(location: string, projectFile: string): string {
  const folder = `${path.dirname(projectFile)}/`;
  return location.startsWith(folder) ? location.slice(folder.length) : location;
}

function renderTerminal(report: GateReport, out: Output, gateName: string): void {
  const { chalk, clean } = out;
  const width = Math.max(40, out.columns);
  const paint: Record<Status, (s: string) => string> = { met: chalk.green, unmet: chalk.red, waived: chalk.yellow, skipped: chalk.dim };
  const mark = (passed: boolean) => (passed ? chalk.green("✓") : chalk.red("✗"));

  const several = report.projects.length > 1;
  if (several) {
    // The summary first: one line a project.
    const countsWidth = Math.max(...report.projects.map((p) => countsText(counts(p)).length));
    for (const p of report.projects) {
      const c = countsText(counts(p));
      const title = fit(clean(p.title), width - countsWidth - 4);
      out.line(`${mark(p.passed)} ${pad(title, width - countsWidth - 4)}  ${chalk.dim(c)}`);
    }
  }
  const shown = several ? report.projects.filter((p) => !p.passed) : report.projects;
  const idWidth = Math.min(24, Math.max(0, ...shown.flatMap((p) => p.criteria.map((r) => r.id.length))));
  const indent = " ".repeat(4 + idWidth + 2);
  for (const p of shown) {
    if (several) out.line();
    out.line(`${mark(p.passed)} ${chalk.bold(fit(clean(p.title), width - 2))}`);
    out.line(`  ${chalk.dim(fit(clean(p.path), width - 2))}`);
    for (const r of p.criteria) {
      const head = `  ${paint[r.status](SYMBOL[r.status])} ${pad(fit(r.id, idWidth), idWidth)}  `;
      const room = width - displayWidth(head);
      const detail = clean(r.detail);
      if (r.status !== "unmet") {
        // A criterion that holds takes one line.
        out.line(`${head}${chalk.dim(fit(detail, room))}`);
        continue;
      }
      // An unmet one: what is wrong (two lines at most) and where.
      const [first = "", second] = wrap(detail, room, 2);
      out.line(`${head}${first}`);
      if (second !== undefined) out.line(`${indent}${second}`);
      out.line(`${indent}${chalk.dim(fit(clean(near(r.location, p.path)), width - indent.length))}`);
    }
    out.line(`  ${chalk.dim(fit(`${gateName}: ${countsText(counts(p))}`, width - 2))}`);
  }
  for (const problem of report.errors ?? []) out.line(chalk.red(fit(`✗ ${clean(problem.location)}: ${clean(problem.message)}`, width)));
  out.line();
  out.line(chalk.bold(fit(verdict(report, gateName), width)));
}

/** Not a terminal: one criterion per line, tab-separated: path, status, id, detail, location. */
function renderPlain(report: GateReport, out: Output): void {
  out.table(
    ["path", "status", "id", "detail", "location"],
    report.projects.flatMap((p) => p.criteria.map((r) => [p.path, r.status, r.id, r.detail, r.location].map(out.clean))),
  );
}

// ---------------------------------------------------------------------------------------------
// Markdown, for a pull-request comment

function criteriaTable(rows: { project: ProjectResult; criterion: CriterionResult }[], several: boolean, clean: (s: string) => string): string {
  const head = several ? ["Status", "Project", "Criterion", "Detail", "Where"] : ["Status", "Criterion", "Detail", "Where"];
  return renderMarkdownTable(
    head,
    rows.map(({ project, criterion: r }) => [
      `${EMOJI[r.status]} ${r.status}`,
      ...(several ? [clean(project.title)] : []),
      `${clean(r.title)} (\`${r.id}\`)`,
      clean(r.detail),
      `\`${clean(r.location)}\``,
    ]),
  ).trimEnd();
}

export function renderMarkdown(report: GateReport, gateName: string, clean: (s: string) => string = (s) => s): string {
  const all = report.projects.flatMap((project) => project.criteria.map((criterion) => ({ project, criterion })));
  const total: Record<Status, number> = { met: 0, unmet: 0, waived: 0, skipped: 0 };
  for (const { criterion } of all) total[criterion.status]++;
  const several = report.projects.length > 1;
  const only = report.projects.length === 1 && !report.errors?.length ? `${clean(report.projects[0]!.title)} — ` : "";
  const parts = [`# ${report.passed ? "✅" : "❌"} ${only}${verdict(report, gateName).replace(/\.$/, "")}`, "", `${countsText(total)}.`];
  if (several) {
    parts.push(
      "",
      renderMarkdownTable(
        ["Status", "Project", "Met", "Unmet", "Waived", "Skipped"],
        report.projects.map((p) => {
          const c = counts(p);
          return [p.passed ? "✅ passed" : "❌ not passed", `${clean(p.title)} (\`${clean(p.path)}\`)`, c.met, c.unmet, c.waived, c.skipped];
        }),
      ).trimEnd(),
    );
  }
  const errors = report.errors ?? [];
  if (errors.length > 0) {
    parts.push("", "## Input problems", "", ...errors.map((e) => `- \`${clean(e.location)}\`: ${clean(e.message)}`));
  }
  const unmet = all.filter((x) => x.criterion.status === "unmet");
  if (unmet.length > 0) parts.push("", "## Unmet", "", criteriaTable(unmet, several, clean));
  const rest = all.filter((x) => x.criterion.status !== "unmet");
  if (rest.length > 0) {
    // <details> keeps the long list folded; markdownlint allows the two elements for this block only.
    parts.push(
      "",
      "<!-- markdownlint-disable MD033 -->",
      "<details>",
      `<summary>Met, waived and skipped (${rest.length})</summary>`,
      "",
      criteriaTable(rest, several, clean),
      "",
      "</details>",
      "<!-- markdownlint-enable MD033 -->",
    );
  }
  return `${parts.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions annotations

/** Workflow-command data and property values are percent-escaped, so no value can end or start a command. */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** `docs/x/rfc.md:9` or `docs/x/project.md:4:7` (relative to cwd) → file relative to the annotation root, line, column. */
function splitLocation(location: string, options: RenderOptions): { file: string; line: string; col?: string } {
  const parts = /^(.*?):(\d+)(?::(\d+))?$/.exec(location);
  const file = parts ? parts[1]! : location;
  const relative = path.relative(options.annotationRoot, path.resolve(options.cwd, file)).split(path.sep).join("/");
  return { file: relative, line: parts?.[2] ?? "1", ...(parts?.[3] ? { col: parts[3] } : {}) };
}

function annotation(level: "error" | "notice", at: { file: string; line: string; col?: string }, title: string, message: string): string {
  const col = at.col ? `,col=${at.col}` : "";
  return `::${level} file=${escapeProperty(at.file)},line=${at.line}${col},title=${escapeProperty(title)}::${escapeData(message)}`;
}

export function renderGitHub(report: GateReport, options: RenderOptions, clean: (s: string) => string = (s) => s): string {
  const { gateName } = options;
  const lines: string[] = [];
  for (const problem of report.errors ?? []) {
    lines.push(annotation("error", splitLocation(problem.location, options), `${gateName}: input problem`, clean(problem.message)));
  }
  for (const p of report.projects) {
    for (const r of p.criteria) {
      if (r.status !== "unmet") continue;
      lines.push(annotation("error", splitLocation(r.location, options), `${gateName}: ${r.title} (${r.id})`, clean(r.detail)));
    }
    const summary = `${gateName}: ${p.passed ? "passed" : "not passed"} (${countsText(counts(p))})`;
    lines.push(annotation("notice", splitLocation(p.path, options), `${gateName}: ${clean(p.title)}`, summary));
  }
  return lines.join("\n");
}
