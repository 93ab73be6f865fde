/**
 * Hostile inputs, each up to 10 MB: no input may keep a command busy for more than a second or two.
 * Each case runs once, is killed at the time limit, and reports its wall time and exit code.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { adf, fakeIssue, startJiraServer } from "../helpers/jira-server.js";
import { BIN, ROOT, cleanEnv, spawnTimed, type Run } from "./measure.js";

const EXAMPLE = path.join(ROOT, "test", "fixtures", "example", "projects", "new-region");
export const ADVERSARIAL_GOAL_MS = 2_000;
export const ADVERSARIAL_KILL_MS = 20_000;

export interface AdversarialResult {
  name: string;
  /** Size of the hostile input, for the row. */
  bytes: number;
  run: Run;
  /** Exit codes that mean the command answered (judged, or refused the input). */
  answers: number[];
}

const MiB = 2 ** 20;

/** A folder with docs/projects/p/{project.md,rfc.md}; the example's files where none is given. */
function projectDir(files: { project?: string; rfc?: string }): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cloud-bench-adv-"));
  const folder = path.join(dir, "docs", "projects", "p");
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, "project.md"), files.project ?? readFileSync(path.join(EXAMPLE, "project.md"), "utf8"));
  writeFileSync(path.join(folder, "rfc.md"), files.rfc ?? readFileSync(path.join(EXAMPLE, "rfc.md"), "utf8"));
  return dir;
}

const frontMatter = (yaml: string) => `---\n${yaml}---\n\nBody.\n`;

/** "Acceptance criteria" followed by 600 spaces: the probe for a pattern that backtracks over the run. */
const AC_LINE = `acceptance criteria${" ".repeat(600)}`;

/** Runs of `#`, `*` and spaces, `length` bytes, in lines of `lineBytes` that open like headings. */
function runsOfMarks(length: number, run: number, lineBytes: number): string {
  const unit = "#".repeat(run) + " ".repeat(run) + "*".repeat(run) + " ".repeat(run);
  const body = unit.repeat(Math.ceil(lineBytes / unit.length)).slice(0, lineBytes - 10);
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < length; i++) {
    const line = `${"#".repeat(1 + (i % 6))} ${body}x`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join("\n")}\n`;
}

interface Case {
  name: string;
  /** Sets up, returns the command's arguments (after the bin), cwd, env and size; cleans up after. */
  prepare: () => Promise<{ args: string[]; cwd: string; env?: NodeJS.ProcessEnv; bytes: number; cleanup?: () => Promise<void> | void }>;
}

function dorOffline(name: string, files: { project?: string; rfc?: string }): Case {
  return {
    name,
    prepare: async () => {
      const cwd = projectDir(files);
      return { args: ["dor", "check", "--offline"], cwd, bytes: (files.project ?? files.rfc ?? "").length, cleanup: () => rmSync(cwd, { recursive: true, force: true }) };
    },
  };
}

function nested(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

const example = (file: string) => readFileSync(path.join(EXAMPLE, file), "utf8");

export const CASES: Case[] = [
  {
    name: "Jira description: 'acceptance criteria' + 600 spaces",
    prepare: async () => {
      const description = adf.doc(adf.paragraph("Why we do this."), adf.paragraph(AC_LINE), adf.heading(2, AC_LINE), adf.paragraph("It works."));
      const jira = await startJiraServer({ issues: [fakeIssue("CLOUD-1", "One", { assignee: "Alice Example", points: 3, description })] });
      const cwd = projectDir({ project: frontMatter(`title: One issue\ndri: "@alice"\nmilestones:\n  - name: M1\n    issues: [CLOUD-1]\n`) });
      return {
        args: ["dor", "check", "docs/projects/p"],
        cwd,
        env: cleanEnv(jira.env),
        bytes: AC_LINE.length,
        cleanup: async () => {
          await jira.close();
          rmSync(cwd, { recursive: true, force: true });
        },
      };
    },
  },
  dorOffline("rfc.md heading: '## acceptance criteria' + 600 spaces", { rfc: `${example("rfc.md")}\n## ${AC_LINE}\n\nIt works.\n` }),
  dorOffline("rfc.md: '# a' + 4,000 spaces", { rfc: `# a${" ".repeat(4000)}\n` }),
  dorOffline("rfc.md: '# a' + 8,000 spaces", { rfc: `# a${" ".repeat(8000)}\n` }),
  dorOffline("rfc.md: '# a' + 100 KB of dots", { rfc: `# a${".".repeat(100 * 1024)}\n` }),
  dorOffline("rfc.md: '# a' + 10 MB of dots", { rfc: `# a${".".repeat(10 * MiB)}\n` }),
  dorOffline("project.md: 100,000 front-matter keys", {
    project: frontMatter(`title: Many keys\ndri: "@alice"\n${Array.from({ length: 100_000 }, (_, i) => `key${String(i).padStart(6, "0")}: 1\n`).join("")}`),
  }),
  dorOffline("project.md: 8,000 nested [ (closed)", { project: frontMatter(`title: Deep\ndri: "@alice"\nstakeholders: ${nested(8000)}\n`) }),
  dorOffline("project.md: 8,000 nested [ (unclosed)", { project: frontMatter(`title: Deep\ndri: "@alice"\nstakeholders: ${"[".repeat(8000)}\n`) }),
  {
    name: "cloud.config.yaml: 8,000 nested [ (project init)",
    prepare: async () => {
      const cwd = mkdtempSync(path.join(tmpdir(), "cloud-bench-adv-"));
      const text = `docs:\n  dir: ${nested(8000)}\n`;
      writeFileSync(path.join(cwd, "cloud.config.yaml"), text);
      return { args: ["project", "init", "X", "--dri", "@a", "--dry-run", "--yes"], cwd, bytes: text.length, cleanup: () => rmSync(cwd, { recursive: true, force: true }) };
    },
  },
  {
    name: "branch --title: one 5,000-character word",
    prepare: async () => {
      const cwd = mkdtempSync(path.join(tmpdir(), "cloud-bench-adv-git-"));
      const git = (...args: string[]) => execFileSync("git", args, { cwd, stdio: "ignore", timeout: 20_000, env: cleanEnv() });
      git("init", "-q");
      git("config", "user.email", "bench@example.com");
      git("config", "user.name", "Bench");
      git("commit", "-q", "--allow-empty", "-m", "empty");
      const title = "a".repeat(5000);
      return { args: ["branch", "CLOUD-1", "--title", title, "--dry-run"], cwd, bytes: title.length, cleanup: () => rmSync(cwd, { recursive: true, force: true }) };
    },
  },
  dorOffline("rfc.md: 10 MB of runs of #, * and spaces", { rfc: runsOfMarks(10 * MiB, 5000, 100 * 1024) }),
];

export async function* benchAdversarial(cases: Case[] = CASES, bin = BIN): AsyncGenerator<AdversarialResult> {
  for (const c of cases) {
    const { args, cwd, env, bytes, cleanup } = await c.prepare();
    try {
      const run = await spawnTimed([bin, ...args], { cwd, env: env ?? cleanEnv(), timeoutMs: ADVERSARIAL_KILL_MS, cpuTime: true });
      yield { name: c.name, bytes, run, answers: [0, 1, 2] };
    } finally {
      await cleanup?.();
    }
  }
}
