/**
 * One project, the example (test/fixtures/example): `cloud dor check --offline` against a bare Node
 * script that imports yaml, reads project.md and YAML-parses its front matter and reads rfc.md (the
 * least any checker must do), and against `node -e 0`. The commands run in turns, run by run.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CURRENT, ROOT, cleanEnv, interleaved, spawnOrThrow, type Build, type Run } from "./measure.js";

export const EXAMPLE_ROOT = path.join(ROOT, "test", "fixtures", "example");
const PROJECT = path.join(EXAMPLE_ROOT, "projects", "new-region");

/** Read the two files and YAML-parse the front matter, nothing else. */
export function readParseScript(yamlEntry: string): string {
  return `import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from ${JSON.stringify(yamlEntry)};
const dir = process.argv[2];
const text = readFileSync(path.join(dir, "project.md"), "utf8");
readFileSync(path.join(dir, "rfc.md"), "utf8");
const end = text.indexOf("\\n---", 3);
const front = parse(text.slice(4, end));
process.stdout.write(String(front.title) + "\\n");
`;
}

export const YAML_ENTRY = path.join(ROOT, "node_modules", "yaml", "dist", "index.js");

export async function benchOneProject(runs = 31, base?: Build) {
  const dir = mkdtempSync(path.join(tmpdir(), "cloud-bench-one-"));
  try {
    const script = path.join(dir, "read-parse.mjs");
    writeFileSync(script, readParseScript(YAML_ENTRY));
    const env = cleanEnv();
    const timeoutMs = 20_000;
    const check = (build: Build) => async (): Promise<Run> => {
      const run = await spawnOrThrow([build.bin, "dor", "check", "--offline"], { cwd: EXAMPLE_ROOT, env, timeoutMs });
      if (run.code !== 0) throw new Error(`${build.label}: dor check of the example exited ${run.code}: ${run.stderr.slice(0, 500)}`);
      return run;
    };
    const makers = {
      cloud: check(CURRENT),
      base: base ? check(base) : undefined,
      readParse: async () => {
        const run = await spawnOrThrow([script, PROJECT], { env, timeoutMs });
        if (run.code !== 0 || run.stdout.trim() !== "Add support for a new region") throw new Error(`read + parse script failed: ${run.stderr}`);
        return run;
      },
      node: () => spawnOrThrow(["-e", "0"], { env, timeoutMs }),
    };
    const m = await interleaved(runs, withoutUndefined(makers));
    return { cloud: m.cloud!.ms, readParse: m.readParse!.ms, node: m.node!.ms, runs: { after: m.cloud!.runs, before: m.base?.runs } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function withoutUndefined<T>(record: Record<string, T | undefined>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Record<string, T>;
}
