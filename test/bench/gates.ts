/** 1,000 generated projects: `cloud dor check --offline` against a script that only reads and parses them. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { BIN, ROOT, cleanEnv, medianOf, spawnTimed } from "./measure.js";

const EXAMPLE = path.join(ROOT, "test", "fixtures", "example", "projects", "new-region");

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

export async function benchGates(count = 1000, runs = 5) {
  const { dir, docs, cleanup } = makeProjects(count);
  try {
    const script = path.join(dir, "baseline.mjs");
    writeFileSync(script, baselineScript(path.join(ROOT, "node_modules", "yaml", "dist", "index.js")));
    const env = cleanEnv();
    const cloud = await medianOf(runs, () => spawnTimed([BIN, "dor", "check", "--offline", "--json"], { cwd: dir, env }));
    if (cloud.last.code !== 0) throw new Error(`dor check exited ${cloud.last.code}: ${cloud.last.stderr}`);
    const projects = (JSON.parse(cloud.last.stdout) as { projects: unknown[] }).projects.length;
    if (projects !== count) throw new Error(`dor check judged ${projects} projects, expected ${count}`);
    const baseline = await medianOf(runs, () => spawnTimed([script, docs], { cwd: dir, env }));
    return { cloud: cloud.ms, baseline: baseline.ms };
  } finally {
    cleanup();
  }
}
