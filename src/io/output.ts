/**
 * One helper for the output modes: JSON (one document), a table on a terminal (cli-table3 + colour),
 * plain tab-separated text when stdout is not a terminal, and Markdown.
 */
import Table from "cli-table3";
import type { ChalkInstance } from "chalk";
import { makeChalk } from "./colors.js";
import { guardWorkflowCommands, sanitizeLine, stringifyJson } from "./sanitize.js";
import type { IOStreams } from "./streams.js";

export type Cell = string | number | null | undefined;

export interface Output {
  /** Colours for stdout; a no-op instance when colour is off. */
  readonly chalk: ChalkInstance;
  /** Colours for stderr (it may be a terminal when stdout is not). */
  readonly errChalk: ChalkInstance;
  readonly tty: boolean;
  /** Columns to fit on a terminal: its width, 80 when unknown. */
  readonly columns: number;
  /** Untrusted text (from Jira, GitHub, files) made safe for a terminal or a text stream. */
  clean(text: string): string;
  json(doc: unknown): void;
  /** A line of our own making; untrusted parts went through clean(). No line can start a workflow command. */
  line(text?: string): void;
  /** Lines written as they are: GitHub Actions annotations, whose `::error` is meant for the runner. */
  raw(text: string): void;
  table(head: string[], rows: Cell[][]): void;
  info(text: string): void;
  warn(text: string): void;
}

export function createOutput(io: IOStreams): Output {
  const chalk = makeChalk(io.color && io.stdoutIsTTY);
  const errChalk = makeChalk(io.color && io.stderrIsTTY);
  return {
    chalk,
    errChalk,
    tty: io.stdoutIsTTY,
    columns: io.columns && io.columns > 0 ? io.columns : 80,
    clean: sanitizeLine,
    json(doc) {
      // JSON escaping, plus \u escapes for the C1 and bidi controls JSON.stringify leaves raw.
      io.stdout.write(`${stringifyJson(doc, 2)}\n`);
    },
    line(text = "") {
      io.stdout.write(`${guardWorkflowCommands(text)}\n`);
    },
    raw(text) {
      io.stdout.write(`${text}\n`);
    },
    // Cells may hold our own colours: callers clean() their untrusted parts.
    table(head, rows) {
      io.stdout.write(guardWorkflowCommands(io.stdoutIsTTY ? renderBoxTable(head, rows, chalk) : renderPlainTable(rows)));
    },
    info(text) {
      io.stderr.write(`${guardWorkflowCommands(sanitizeLine(text))}\n`);
    },
    warn(text) {
      io.stderr.write(`${errChalk.yellow("warning:")} ${guardWorkflowCommands(sanitizeLine(text))}\n`);
    },
  };
}

function cellText(cell: Cell): string {
  return cell === null || cell === undefined ? "" : String(cell);
}

export function renderBoxTable(head: string[], rows: Cell[][], chalk: ChalkInstance): string {
  const table = new Table({
    head: head.map((h) => chalk.bold(h)),
    style: { head: [], border: [] },
    wordWrap: true,
  });
  for (const row of rows) table.push(row.map(cellText));
  return `${table.toString()}\n`;
}

/** Not a terminal: one record per line, fields separated by tabs, no header, no colour. */
export function renderPlainTable(rows: Cell[][]): string {
  return rows.map((row) => `${row.map((c) => cellText(c).replace(/[\t\n]/g, " ")).join("\t")}\n`).join("");
}

function escapeMarkdownCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

export function renderMarkdownTable(head: string[], rows: Cell[][], align?: ("left" | "right")[]): string {
  const sep = head.map((_, i) => (align?.[i] === "right" ? "---:" : "---"));
  const lines = [
    `| ${head.map(escapeMarkdownCell).join(" | ")} |`,
    `| ${sep.join(" | ")} |`,
    ...rows.map((row) => `| ${row.map((c) => escapeMarkdownCell(cellText(c))).join(" | ")} |`),
  ];
  return `${lines.join("\n")}\n`;
}
