/** Timing helpers for the benchmarks: spawn the built CLI under a time limit, take medians, record peak memory. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const BIN = path.join(ROOT, "bin", "cloud.js");

/** A built checkout to measure: this one, or the one BENCH_BASE names. */
export interface Build {
  label: string;
  bin: string;
}

export const CURRENT: Build = { label: "this build", bin: BIN };

/** BENCH_BASE=<checkout with a built dist/>: the build to compare against, or undefined. */
export function baseBuild(env: NodeJS.ProcessEnv = process.env): Build | undefined {
  const dir = env.BENCH_BASE?.trim();
  if (!dir) return undefined;
  const root = path.resolve(dir);
  const bin = path.join(root, "bin", "cloud.js");
  // dist/cli.cjs since the bundle is one CommonJS file; dist/cli.js in older builds.
  if (!existsSync(bin) || !["cli.cjs", "cli.js"].some((file) => existsSync(path.join(root, "dist", file)))) {
    throw new Error(`BENCH_BASE=${dir}: expected bin/cloud.js and a built dist/ there (run npm run build in it)`);
  }
  return { label: path.basename(root), bin };
}

/** Each spawned command is killed after this long unless the case says otherwise. */
export const DEFAULT_TIMEOUT_MS = 120_000;

export interface Run {
  ms: number;
  code: number | null;
  /** The command ran past its time limit and was killed. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the child, in MiB, when asked for. */
  peakMiB?: number;
  /** CPU time (user + system) of the child, in ms, when asked for: less moved by a busy machine than wall time. */
  cpuMs?: number;
}

export class TimeoutError extends Error {
  constructor(readonly command: string, readonly limitMs: number) {
    super(`killed after ${(limitMs / 1000).toFixed(0)} s: ${command}`);
  }
}

/** Writes the child's peak RSS (KiB) and CPU time (µs) to a file on exit; loaded with --import. */
const RSS_HOOK = `import { writeFileSync } from "node:fs";
process.on("exit", () => {
  const u = process.resourceUsage();
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ maxRSS: u.maxRSS, cpu: u.userCPUTime + u.systemCPUTime }));
});
`;

/** Output kept per stream; a case that prints megabytes is not slowed by the harness collecting it all. */
const KEEP_BYTES = 64 * 2 ** 20;

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  peakMemory?: boolean;
  /** Record the child's CPU time (through the same exit hook as peakMemory). */
  cpuTime?: boolean;
  /** Kill the command (and anything it started) after this long; DEFAULT_TIMEOUT_MS when absent. */
  timeoutMs?: number;
  /** What to run; node (this process's binary) when absent, `args` then being node's arguments. */
  command?: string;
}

/** Process groups still running; killed if the benchmark itself stops (Ctrl-C, a crash, a pipe closed). */
const live = new Set<number>();
function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}
process.on("exit", () => live.forEach(killGroup));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    live.forEach(killGroup);
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

/** Run `node ...args` (or `command ...args`) and time it from spawn to close; never waits past the time limit. */
export function spawnTimed(args: string[], options: SpawnOptions = {}): Promise<Run> {
  let hookDir: string | undefined;
  let rssFile: string | undefined;
  const nodeArgs = [...args];
  const env = { ...options.env };
  if (options.peakMemory || options.cpuTime) {
    hookDir = mkdtempSync(path.join(tmpdir(), "cloud-bench-rss-"));
    const hook = path.join(hookDir, "rss.mjs");
    writeFileSync(hook, RSS_HOOK);
    rssFile = path.join(hookDir, "rss.txt");
    nodeArgs.unshift("--import", hook);
    env.BENCH_RSS_FILE = rssFile;
  }
  const command = options.command ?? process.execPath;
  const limit = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // A process group of its own, so a kill reaches whatever the command started (git, a shell).
    const child = spawn(command, nodeArgs, { cwd: options.cwd ?? ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    if (child.pid !== undefined) live.add(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, limit);
    child.stdout.on("data", (c: Buffer) => {
      if (stdout.length < KEEP_BYTES) stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < KEEP_BYTES) stderr += c.toString();
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      if (child.pid !== undefined) live.delete(child.pid);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      live.delete(child.pid!);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let usage: { peakMiB?: number; cpuMs?: number } = {};
      if (rssFile) {
        try {
          // Absent when the child was killed.
          const u = JSON.parse(readFileSync(rssFile, "utf8")) as { maxRSS: number; cpu: number };
          usage = { ...(options.peakMemory ? { peakMiB: u.maxRSS / 1024 } : {}), ...(options.cpuTime ? { cpuMs: u.cpu / 1000 } : {}) };
        } catch {
          usage = {};
        }
        rmSync(hookDir!, { recursive: true, force: true });
      }
      resolve({ ms, code, timedOut, stdout, stderr, ...usage });
    });
  });
}

/** spawnTimed, but a run past its limit is an error (for cases whose numbers mean nothing then). */
export async function spawnOrThrow(args: string[], options: SpawnOptions = {}): Promise<Run> {
  const run = await spawnTimed(args, options);
  if (run.timedOut) throw new TimeoutError([options.command ?? "node", ...args].join(" ").slice(0, 200), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return run;
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

export interface Measured {
  ms: number;
  last: Run;
  runs: number[];
}

/**
 * Several commands measured run by run: one warm-up each, then `n` rounds in which every command runs
 * once (the order rotated each round), so a change in the machine's load lands on all of them alike.
 * `counts` runs a command in only its first few rounds (a slow one); it is warmed up only when asked.
 */
export async function interleaved<K extends string>(
  n: number,
  makers: Record<K, () => Promise<Run>>,
  options: { counts?: Partial<Record<NoInfer<K>, number>>; noWarmUp?: NoInfer<K>[] } = {},
): Promise<Record<K, Measured>> {
  const names = Object.keys(makers) as K[];
  const runs = Object.fromEntries(names.map((k) => [k, [] as number[]])) as unknown as Record<K, number[]>;
  const last = {} as Record<K, Run>;
  for (const k of names) if (!options.noWarmUp?.includes(k)) await makers[k]();
  for (let round = 0; round < n; round++) {
    for (let i = 0; i < names.length; i++) {
      const k = names[(i + round) % names.length]!;
      if (runs[k].length >= (options.counts?.[k] ?? n)) continue;
      last[k] = await makers[k]();
      runs[k].push(last[k].ms);
    }
  }
  return Object.fromEntries(names.map((k) => [k, { ms: median(runs[k]), last: last[k], runs: runs[k] }])) as unknown as Record<K, Measured>;
}

/** A clean environment for the CLI under measurement. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...extra };
}
