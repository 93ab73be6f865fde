/**
 * `npm run bench`: each case prints its measurement, the baseline measured in the same run, their
 * ratio and the goal. Medians of several runs, commands of one case run in turns. Exit 1 when a goal
 * is missed, or a case fails or runs past its time limit.
 *
 *   node .bench/test/bench/run.js [startup] [one] [gates] [milestones] [jira] [adversarial]
 *   BENCH_BASE=<another checkout, built> ...   also measures that build, and prints both side by side
 */
import os from "node:os";
import { ADVERSARIAL_GOAL_MS, ADVERSARIAL_KILL_MS, benchAdversarial } from "./adversarial.js";
import { benchGates } from "./gates.js";
import { benchJira, benchJiraVersions } from "./jira.js";
import { benchMilestones } from "./milestones.js";
import { benchOneProject, withoutUndefined } from "./one-project.js";
import { CURRENT, baseBuild, cleanEnv, interleaved, median, spawnOrThrow, type Build } from "./measure.js";

interface Row {
  name: string;
  measured: string;
  baseline: string;
  ratio: string;
  goal: string;
  ok: boolean;
}

/** One measurement of this build and of the BENCH_BASE build (each run), for the side-by-side table. */
interface Comparison {
  name: string;
  before: number[];
  after: number[];
  unit: "ms" | "MiB" | "requests";
}

const rows: Row[] = [];
const comparisons: Comparison[] = [];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

function push(row: Row): void {
  rows.push(row);
  process.stdout.write(`${row.ok ? "ok  " : "MISS"}  ${row.name.padEnd(64)} ${row.measured.padStart(22)}  vs ${row.baseline.padEnd(40)} ${row.ratio.padStart(12)}  goal ${row.goal}\n`);
}

function ratioRow(name: string, measured: number, baseline: number, goal: number, baselineName: string): void {
  const ratio = measured / baseline;
  push({ name, measured: fmt(measured), baseline: `${fmt(baseline)} (${baselineName})`, ratio: `${ratio.toFixed(2)}×`, goal: `≤ ${goal}×`, ok: ratio <= goal });
}

function compare(name: string, runs: { after: number[]; before?: number[] | undefined }, unit: Comparison["unit"] = "ms"): void {
  if (runs.before !== undefined) comparisons.push({ name, before: runs.before, after: runs.after, unit });
}

/** A case that threw (a failed command, a time limit): a missed row with the reason. */
function failed(name: string, error: unknown): void {
  push({ name, measured: "failed", baseline: (error as Error).message.split("\n")[0]!.slice(0, 120), ratio: "", goal: "runs", ok: false });
}

async function startup(runs: number, base: Build | undefined) {
  const env = cleanEnv();
  const timeoutMs = 20_000;
  const m = await interleaved(
    runs,
    withoutUndefined({
      node: () => spawnOrThrow(["-e", "0"], { env, timeoutMs }),
      version: () => spawnOrThrow([CURRENT.bin, "--version"], { env, timeoutMs }),
      help: () => spawnOrThrow([CURRENT.bin, "--help"], { env, timeoutMs }),
      baseVersion: base ? () => spawnOrThrow([base.bin, "--version"], { env, timeoutMs }) : undefined,
      baseHelp: base ? () => spawnOrThrow([base.bin, "--help"], { env, timeoutMs }) : undefined,
    }),
  );
  return {
    node: m.node!.ms,
    version: m.version!.ms,
    help: m.help!.ms,
    versionRuns: { after: m.version!.runs, before: m.baseVersion?.runs },
    helpRuns: { after: m.help!.runs, before: m.baseHelp?.runs },
  };
}

function printComparisons(base: Build): void {
  if (comparisons.length === 0) return;
  process.stdout.write(`\nBENCH_BASE: ${base.bin.replace(/\/bin\/cloud\.js$/, "")} (before) against this build (after), measured in turns in this run\n\n`);
  process.stdout.write(`${"case (median of the runs; fastest run)".padEnd(64)} ${"before".padStart(24)} ${"after".padStart(24)} ${"after/before".padStart(13)}\n`);
  for (const c of comparisons) {
    const show = (v: number) => (c.unit === "ms" ? fmt(v) : `${v.toFixed(0)} ${c.unit}`);
    const both = (runs: number[]) => (runs.length > 1 ? `${show(median(runs))}; ${show(Math.min(...runs))}` : show(runs[0]!));
    const ratio = median(c.after) / median(c.before);
    process.stdout.write(`${c.name.padEnd(64)} ${both(c.before).padStart(24)} ${both(c.after).padStart(24)} ${`${ratio.toFixed(2)}×`.padStart(13)}\n`);
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (name: string) => only.length === 0 || only.includes(name);
  const base = baseBuild();
  process.stdout.write(`cloud benchmarks — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os.loadavg()[0]!.toFixed(1)}\n`);
  if (base) process.stdout.write(`also measuring BENCH_BASE=${process.env.BENCH_BASE}\n`);
  process.stdout.write("\n");
  const started = Date.now();

  let startupHelp: number | undefined;
  if (want("startup") || want("jira")) {
    try {
      const s = await startup(21, base);
      startupHelp = s.help;
      if (want("startup")) {
        ratioRow("start-up: cloud --version", s.version, s.node, 1.3, "node -e 0");
        ratioRow("start-up: cloud --help", s.help, s.node, 1.6, "node -e 0");
        compare("start-up: cloud --version", s.versionRuns);
        compare("start-up: cloud --help", s.helpRuns);
      }
    } catch (error) {
      failed("start-up", error);
    }
  }
  if (want("one")) {
    try {
      const o = await benchOneProject(31, base);
      ratioRow("one project: dor check --offline (the example)", o.cloud, o.readParse, 1.3, "read + YAML-parse");
      const r = o.cloud / o.node;
      push({ name: "one project: dor check --offline vs node -e 0", measured: fmt(o.cloud), baseline: `${fmt(o.node)} (node -e 0)`, ratio: `${r.toFixed(2)}×`, goal: "reported", ok: true });
      compare("one project: dor check --offline", o.runs);
    } catch (error) {
      failed("one project: dor check --offline", error);
    }
  }
  if (want("gates")) {
    try {
      const g = await benchGates(1000, 5, 3, base);
      ratioRow("gates: dor check --offline, 1000 projects", g.cloud, g.baseline, 1.5, "read + YAML-parse");
      const faster = g.markdownlint / g.cloud;
      push({
        name: `gates: markdownlint-cli2, the same ${g.markdownlintFiles} files`,
        measured: fmt(g.markdownlint),
        baseline: `${fmt(g.cloud)} (cloud dor check)`,
        ratio: `${faster.toFixed(2)}× faster`,
        goal: "cloud ≥ 3× faster",
        ok: faster >= 3,
      });
      compare("gates: dor check --offline, 1000 projects", g.runs);
    } catch (error) {
      failed("gates: 1000 projects", error);
    }
  }
  if (want("milestones")) {
    try {
      const { current: m, base: mb } = await benchMilestones(10_000, 20, 3, base);
      const budget = 1.2 * 100 * 20 + m.startup;
      push({
        name: "milestone report: 10,000 items, 20 ms",
        measured: `${fmt(m.wall)}, ${m.requests} requests`,
        baseline: `1.2 × 100 × 20 ms + ${fmt(m.startup)} start-up`,
        ratio: `${(m.wall / (100 * 20 + m.startup)).toFixed(2)}×`,
        goal: `100 requests, ≤ ${fmt(budget)}`,
        ok: m.requests === 100 && m.wall <= budget,
      });
      push({ name: "milestone report: peak memory", measured: `${m.peakMiB.toFixed(0)} MiB`, baseline: "(reported)", ratio: "", goal: "reported", ok: true });
      if (mb) {
        compare("milestone report: 10,000 items, wall", { after: m.walls, before: mb.walls });
        compare("milestone report: one-item start-up", { after: m.startups, before: mb.startups });
        compare("milestone report: requests", { after: [m.requests], before: [mb.requests] }, "requests");
        compare("milestone report: peak memory", { after: [m.peakMiB], before: [mb.peakMiB] }, "MiB");
      }
    } catch (error) {
      failed("milestone report", error);
    }
  }
  if (want("jira")) {
    try {
      const j = await benchJira(500, 20);
      const sequential = (startupHelp ?? 0) + 5 * 20;
      push({
        name: "jira: 500 linked keys (20 ms latency)",
        measured: `${j.bulkfetch} bulkfetch, ${j.maxInFlight} at once`,
        baseline: `${fmt(j.ms)} wall vs ${fmt(sequential)} if sequential`,
        ratio: `${(j.ms / sequential).toFixed(2)}×`,
        goal: "5 requests, in parallel",
        ok: j.bulkfetch === 5 && j.maxInFlight >= 2,
      });
    } catch (error) {
      failed("jira: 500 linked keys", error);
    }
  }
  if (want("jira-versions")) {
    try {
    const r = await benchJiraVersions(10_000, 10, 20, 3);
    const work = r.wall - r.startup;
    push({
      name: "jira versions: 10,000 issues, 10 versions",
      measured: `${fmt(r.wall)} − ${fmt(r.startup)} start-up, ${r.pages} pages, ${r.maxInFlight} at once`,
      baseline: `${fmt(r.sequential)} (one sequential search)`,
      ratio: `${(work / r.sequential).toFixed(2)}×`,
      goal: "≤ 110 pages, ≤ 4 at once, < 1×",
      ok: r.pages <= 110 && r.maxInFlight <= 4 && work < r.sequential,
    });
    } catch (error) {
      failed("jira-versions", error);
    }
  }
  if (want("adversarial")) {
    try {
      for await (const a of benchAdversarial()) {
        const { run } = a;
        const answered = run.code !== null && a.answers.includes(run.code);
        const size = a.bytes >= 2 ** 20 ? `${(a.bytes / 2 ** 20).toFixed(1)} MB` : a.bytes >= 1024 ? `${(a.bytes / 1024).toFixed(0)} KB` : `${a.bytes} B`;
        push({
          name: `adversarial: ${a.name}`,
          measured: run.timedOut ? `killed at ${ADVERSARIAL_KILL_MS / 1000} s` : `${run.ms.toFixed(0)} ms, exit ${run.code}`,
          baseline: `${size} of input${run.cpuMs !== undefined ? `, ${run.cpuMs.toFixed(0)} ms CPU` : ""}${!run.timedOut && !answered ? `; ${run.stderr.trim().split("\n")[0]!.slice(0, 60)}` : ""}`,
          ratio: "",
          goal: `≤ ${ADVERSARIAL_GOAL_MS / 1000} s, exit ${a.answers.join("/")}`,
          ok: !run.timedOut && run.ms <= ADVERSARIAL_GOAL_MS && answered,
        });
      }
    } catch (error) {
      failed("adversarial", error);
    }
  }
  if (base) printComparisons(base);
  const missed = rows.filter((r) => !r.ok);
  process.stdout.write(`\n${rows.length - missed.length} of ${rows.length} goals met (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  if (missed.length > 0) process.exitCode = 1;
}

await main();
