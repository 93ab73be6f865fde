/** Timing helpers for the benchmarks: spawn the built CLI, take medians, record peak memory. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const BIN = path.join(ROOT, "bin", "cloud.js");

export interface Run {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the child, in MiB, when asked for. */
  peakMiB?: number;
}

/** Writes the child's peak RSS to a file on exit; loaded with --import. */
const RSS_HOOK = `import { writeFileSync } from "node:fs";
process.on("exit", () => { if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)); });
`;

export function spawnTimed(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; peakMemory?: boolean } = {}): Promise<Run> {
  let hookDir: string | undefined;
  let rssFile: string | undefined;
  const nodeArgs = [...args];
  const env = { ...options.env };
  if (options.peakMemory) {
    hookDir = mkdtempSync(path.join(tmpdir(), "cloud-bench-rss-"));
    const hook = path.join(hookDir, "rss.mjs");
    writeFileSync(hook, RSS_HOOK);
    rssFile = path.join(hookDir, "rss.txt");
    nodeArgs.unshift("--import", hook);
    env.BENCH_RSS_FILE = rssFile;
  }
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, nodeArgs, { cwd: options.cwd ?? ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let peakMiB: number | undefined;
      if (rssFile) {
        try {
          peakMiB = Number(readFileSync(rssFile, "utf8")) / 1024;
        } catch {
          peakMiB = undefined;
        }
        rmSync(hookDir!, { recursive: true, force: true });
      }
      resolve({ ms, code, stdout, stderr, ...(peakMiB !== undefined ? { peakMiB } : {}) });
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Run `make` n times (after one warm-up) and return the median duration and the last run. */
export async function medianOf(n: number, make: () => Promise<Run>): Promise<{ ms: number; last: Run; runs: number[] }> {
  await make();
  const runs: number[] = [];
  let last!: Run;
  for (let i = 0; i < n; i++) {
    last = await make();
    runs.push(last.ms);
  }
  return { ms: median(runs), last, runs };
}

/** A clean environment for the CLI under measurement. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...extra };
}
