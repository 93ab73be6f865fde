/** Shared set-up for the spine suites: temp project roots, the example, running a gate as JSON. */
import { cpSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { expect } from "vitest";
import { baseEnv, cli, type CliResult, type CliRunOptions } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/tmp.js";
import { parseGates, sectionsOf } from "../../src/gates/definitions.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const EXAMPLE = path.join(REPO, "test/fixtures/example");

/** The gates as the tool loads them (templates/gates.yaml): tests read ids, groups and counts from here. */
export const GATES = parseGates(readFileSync(path.join(REPO, "templates/gates.yaml"), "utf8"));

export const DOR_IDS = GATES.dor.criteria.map((c) => c.id);
export const DOD_IDS = GATES.dod.criteria.map((c) => c.id);

/** The contract's criterion ids, in the contract's order: the gates may add more, never drop these. */
export const CONTRACT_DOR_IDS = ["context", "alternatives", "risks", "reasons-against", "business-impact", "customer-value", "impact-measurement", "dependencies", "stakeholders", "rfc", "scope", "milestones", "mvp", "rollout-plan", "security-assessment", "impact-timelines", "cost-projection", "capacity-estimate", "issues-ready"];
export const CONTRACT_DOD_IDS = ["work-complete", "tested", "rolled-out", "future-work", "user-docs", "customer-docs", "enablement-docs", "operability-docs", "security-approval", "legal-approval", "stakeholder-signoff", "ops-rollout", "ops-rollback", "ops-monitoring", "ops-impact-measurement", "ops-cost", "playbooks", "knowledge-sharing", "launch-questionnaire"];

/** The RFC heading of each DoR criterion a written section meets (alone, or as one alternative). */
export const DOR_SECTIONS: Record<string, string> = Object.fromEntries(
  sectionsOf(GATES.dor, "rfc")
    .filter((s, i, all) => all.findIndex((o) => o.criterion.id === s.criterion.id) === i)
    .map((s) => [s.criterion.id, s.heading]),
);

/** DoR criteria that a written section of the RFC can meet (alone, or as one alternative). */
export const DOR_PROSE_IDS = Object.keys(DOR_SECTIONS);

/** Of those, the ones that front matter can meet instead (dependencies lists, an MVP milestone). */
export const DOR_EITHER_IDS = GATES.dor.criteria
  .filter((c) => DOR_PROSE_IDS.includes(c.id) && c.evidence.some((e) => "any" in e && e.any.some((x) => !("section" in x))))
  .map((c) => c.id);

export interface Criterion {
  id: string;
  group: string;
  title: string;
  status: "met" | "unmet" | "waived" | "skipped";
  detail: string;
  location: string;
}

export interface ProjectReport {
  path: string;
  title: string;
  passed: boolean;
  criteria: Criterion[];
}

export interface Report {
  gate: "dor" | "dod";
  passed: boolean;
  projects: ProjectReport[];
}

/** A folder with a cloud.config.yaml of its own, so no config above the temp folder is found. */
export function projectRoot(config = "docs:\n  dir: docs/projects\n"): string {
  const root = tempDir("cloud-spine-");
  writeFileSync(path.join(root, "cloud.config.yaml"), config);
  return root;
}

/** A private copy of test/fixtures/example (config at the root, the project under projects/new-region). */
export function copyExample(): { root: string; project: string; projectMd: string; rfcMd: string } {
  const root = tempDir("cloud-example-");
  cpSync(EXAMPLE, root, { recursive: true });
  const project = path.join(root, "projects/new-region");
  return { root, project, projectMd: path.join(project, "project.md"), rfcMd: path.join(project, "rfc.md") };
}

export async function run(argv: string[], options: CliRunOptions): Promise<CliResult> {
  return cli(argv, { env: baseEnv(), ...options });
}

/** `cloud project init <title> --dri @alice --yes`; returns the absolute project folder. */
export async function initProject(root: string, title = "Add support for a new region", extra: string[] = []): Promise<string> {
  const result = await run(["project", "init", title, "--dri", "@alice", "--yes", ...extra], { cwd: root });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const first = result.stdout.split("\n")[0]!;
  return path.dirname(path.resolve(root, first));
}

/** Run a gate with --json; the report must be the whole of stdout. */
export async function checkJson(
  cwd: string,
  gate: "dor" | "dod",
  args: string[] = [],
  options: Partial<CliRunOptions> = {},
): Promise<{ code: number; report: Report; stderr: string }> {
  const result = await run([gate, "check", "--json", ...args], { cwd, ...options });
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return { code: result.code, report, stderr: result.stderr };
}

export function byId(project: ProjectReport): Record<string, Criterion> {
  return Object.fromEntries(project.criteria.map((c) => [c.id, c]));
}

export function statuses(project: ProjectReport): Record<string, string> {
  return Object.fromEntries(project.criteria.map((c) => [c.id, c.status]));
}

/** Read project.md's front matter as plain data, change it, write it back (comments are lost). */
export function editFrontMatter(file: string, mutate: (fm: Record<string, any>) => void): void {
  const text = readFileSync(file, "utf8");
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${file} has no front matter`);
  const fm = (parse(match[1]!) ?? {}) as Record<string, any>;
  mutate(fm);
  writeFileSync(file, `---\n${stringify(fm)}---\n${match[2]}`);
}

/**
 * Write prose in the section under `## heading` of a Markdown file, in place of its guidance comment
 * (so no line moves), or right under the heading when there is no comment.
 */
export function fillSection(file: string, heading: string, text = "Written by a person, not a template."): number {
  const lines = readFileSync(file, "utf8").split("\n");
  const at = lines.indexOf(`## ${heading}`);
  if (at === -1) throw new Error(`no '## ${heading}' in ${file}`);
  let next = at + 1;
  while (next < lines.length && lines[next]!.trim() === "") next++;
  if (/^<!--.*-->$/.test(lines[next] ?? "")) lines[next] = text;
  else lines.splice(at + 1, 0, "", text);
  writeFileSync(file, lines.join("\n"));
  return at + 1;
}

/** Remove the section with this heading (up to the next heading of any level) from a Markdown file. */
export function removeSection(file: string, heading: string): void {
  const lines = readFileSync(file, "utf8").split("\n");
  const start = lines.indexOf(`## ${heading}`);
  if (start === -1) throw new Error(`no '## ${heading}' in ${file}`);
  let end = start + 1;
  while (end < lines.length && !/^#{1,6} /.test(lines[end]!)) end++;
  lines.splice(start, end - start);
  writeFileSync(file, lines.join("\n"));
}

/** Every file under `root`, relative, with `/` separators. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(path.relative(root, full).split(path.sep).join("/"));
    }
  };
  walk(root);
  return out.sort();
}

/** Line `n` (1-based) of a file. */
export function lineOf(file: string, n: number): string {
  return readFileSync(file, "utf8").split("\n")[n - 1] ?? "";
}

/** The contract's one-line error: ends in one newline, no other line, no stack frame. */
export function expectOneLineError(stderr: string): void {
  expect(stderr).toMatch(/^error: .+\n$/);
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}
