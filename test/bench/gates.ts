/**
 * 1,000 generated projects: `cloud dor check --offline` against a script that only reads and parses
 * them, and against markdownlint-cli2 linting the same 2,000 files.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CURRENT, ROOT, cleanEnv, interleaved, spawnOrThrow, type Build, type Run } from "./measure.js";
import { withoutUndefined, YAML_ENTRY } from "./one-project.js";

const EXAMPLE = path.join(ROOT, "test", "fixtures", "example", "projects", "new-region");
const MARKDOWNLINT = path.join(ROOT, "node_modules", "markdownlint-cli2", "markdownlint-cli2-bin.mjs");

/** The baseline: read every project.md and rfc.md and YAML-parse the front matter, nothing else. */
function baselineScript(yamlEntry: string): string {
  return `import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from ${JSON.stringify(yamlEntry)};
const root = process.argv[2];
let n = 0;
for (const name of readdirSync(root)) {
  const text = readFileSync(path.join(root, name, "project.md"), "utf8");
  readFileSync(path.join(root, name, "rfc.md"), "utf8");
  const end = text.indexOf("\\n---", 3);
  parse(text.slice(4, end));
  n++;
}
process.stdout.write(String(n) + "\\n");
`;
}

export function makeProjects(count: number): { dir: string; docs: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "cloud-bench-gates-"));
  const docs = path.join(dir, "docs", "projects");
  const projectText = readFileSync(path.join(EXAMPLE, "project.md"), "utf8");
  for (let i = 0; i < count; i++) {
    const folder = path.join(docs, `project-${String(i).padStart(4, "0")}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "project.md"), projectText.replace("title: Add support for a new region", `title: Project number ${i}`));
    cpSync(path.join(EXAMPLE, "rfc.md"), path.join(folder, "rfc.md"));
  }
  return { dir, docs, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface GatesResult {
  cloud: number;
  baseline: number;
  /** markdownlint-cli2 over the same files, and how many problems it printed (it exits 1 on any). */
  markdownlint: number;
  markdownlintFiles: number;
  /** Each run of this build's check and of the BENCH_BASE build's. */
  runs: { after: number[]; before: number[] | undefined };
}

export async function benchGates(count = 1000, runs = 5, lintRuns = 3, base?: Build): Promise<GatesResult> {
  const { dir, docs, cleanup } = makeProjects(count);
  try {
    const script = path.join(dir, "baseline.mjs");
    writeFileSync(script, baselineScript(YAML_ENTRY));
    const env = cleanEnv();
    const timeoutMs = 60_000;
    const check = (build: Build) => async (): Promise<Run> => {
      const run = await spawnOrThrow([build.bin, "dor", "check", "--offline", "--json"], { cwd: dir, env, timeoutMs });
      if (run.code !== 0) throw new Error(`${build.label}: dor check exited ${run.code}: ${run.stderr.slice(0, 500)}`);
      const projects = (JSON.parse(run.stdout) as { projects: unknown[] }).projects.length;
      if (projects !== count) throw new Error(`${build.label}: dor check judged ${projects} projects, expected ${count}`);
      return run;
    };
    const m = await interleaved(
      runs,
      withoutUndefined({
        cloud: check(CURRENT),
        base: base ? check(base) : undefined,
        baseline: () => spawnOrThrow([script, docs], { cwd: dir, env, timeoutMs }),
        // Default rules, no config file (none in the temporary folder or above it); exit 1 means it found problems.
        markdownlint: async () => {
          const run = await spawnOrThrow([MARKDOWNLINT, "docs/projects/**/*.md"], { cwd: dir, env, timeoutMs: 120_000 });
          if (run.code !== 0 && run.code !== 1) throw new Error(`markdownlint-cli2 exited ${run.code}: ${run.stderr.slice(0, 500)}`);
          return run;
        },
      }),
      { counts: { markdownlint: lintRuns }, noWarmUp: ["markdownlint"] },
    );
    const linted = /Linting: (\d+) file/.exec(m.markdownlint!.last.stdout + m.markdownlint!.last.stderr);
    return {
      cloud: m.cloud!.ms,
      baseline: m.baseline!.ms,
      markdownlint: m.markdownlint!.ms,
      markdownlintFiles: Number(linted?.[1] ?? NaN),
      runs: { after: m.cloud!.runs, before: m.base?.runs },
    };
  } finally {
    cleanup();
  }
}
