/**
 * `npm run bench`: each case prints its measurement, the baseline measured in the same run, their
 * ratio and the goal. Medians of several runs. Exit 1 when a goal is missed.
 */
import os from "node:os";
import { benchGates } from "./gates.js";
import { benchJira, benchJiraVersions } from "./jira.js";
import { benchMilestones } from "./milestones.js";
import { BIN, cleanEnv, medianOf, spawnTimed } from "./measure.js";

interface Row {
  name: string;
  measured: string;
  baseline: string;
  ratio: string;
  goal: string;
  ok: boolean;
}

const rows: Row[] = [];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

function ratioRow(name: string, measured: number, baseline: number, goal: number, baselineName: string): void {
  const ratio = measured / baseline;
  rows.push({ name, measured: fmt(measured), baseline: `${fmt(baseline)} (${baselineName})`, ratio: `${ratio.toFixed(2)}×`, goal: `≤ ${goal}×`, ok: ratio <= goal });
  print(rows[rows.length - 1]!);
}

function print(row: Row): void {
  process.stdout.write(`${row.ok ? "ok  " : "MISS"}  ${row.name.padEnd(34)} ${row.measured.padStart(16)}  vs ${row.baseline.padEnd(36)} ${row.ratio.padStart(7)}  goal ${row.goal}\n`);
}

async function startup(runs: number): Promise<{ node: number; version: number; help: number }> {
  const env = cleanEnv();
  const node = await medianOf(runs, () => spawnTimed(["-e", "0"], { env }));
  const version = await medianOf(runs, () => spawnTimed([BIN, "--version"], { env }));
  const help = await medianOf(runs, () => spawnTimed([BIN, "--help"], { env }));
  return { node: node.ms, version: version.ms, help: help.ms };
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (name: string) => only.length === 0 || only.includes(name);
  process.stdout.write(`cloud benchmarks — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB\n\n`);

  const s = await startup(21);
  if (want("startup")) {
    ratioRow("start-up: cloud --version", s.version, s.node, 1.3, "node -e 0");
    ratioRow("start-up: cloud --help", s.help, s.node, 1.6, "node -e 0");
  }
  if (want("gates")) {
    const g = await benchGates(1000, 5);
    ratioRow("gates: dor check --offline, 1000 projects", g.cloud, g.baseline, 1.5, "read + YAML-parse");
  }
  if (want("milestones")) {
    const m = await benchMilestones(10_000, 20, 3);
    const budget = 1.2 * 100 * 20 + m.startup;
    rows.push({
      name: "milestone report: 10,000 items, 20 ms",
      measured: `${fmt(m.wall)}, ${m.requests} requests`,
      baseline: `1.2 × 100 × 20 ms + ${fmt(m.startup)} start-up`,
      ratio: `${(m.wall / (100 * 20 + m.startup)).toFixed(2)}×`,
      goal: `100 requests, ≤ ${fmt(budget)}`,
      ok: m.requests === 100 && m.wall <= budget,
    });
    print(rows[rows.length - 1]!);
    rows.push({ name: "milestone report: peak memory", measured: `${m.peakMiB.toFixed(0)} MiB`, baseline: "(reported)", ratio: "", goal: "reported", ok: true });
    print(rows[rows.length - 1]!);
  }
  if (want("jira")) {
    const j = await benchJira(500, 20);
    const sequential = s.help + 5 * 20;
    rows.push({
      name: "jira: 500 linked keys (20 ms latency)",
      measured: `${j.bulkfetch} bulkfetch, ${j.maxInFlight} at once`,
      baseline: `${fmt(j.ms)} wall vs ${fmt(sequential)} if sequential`,
      ratio: `${(j.ms / sequential).toFixed(2)}×`,
      goal: "5 requests, in parallel",
      ok: j.bulkfetch === 5 && j.maxInFlight >= 2,
    });
    print(rows[rows.length - 1]!);
  }
  if (want("jira-versions")) {
    const r = await benchJiraVersions(10_000, 10, 20, 3);
    const work = r.wall - r.startup;
    rows.push({
      name: "jira versions: 10,000 issues, 10 versions",
      measured: `${fmt(r.wall)} − ${fmt(r.startup)} start-up, ${r.pages} pages, ${r.maxInFlight} at once`,
      baseline: `${fmt(r.sequential)} (one sequential search)`,
      ratio: `${(work / r.sequential).toFixed(2)}×`,
      goal: "≤ 110 pages, ≤ 4 at once, < 1×",
      ok: r.pages <= 110 && r.maxInFlight <= 4 && work < r.sequential,
    });
    print(rows[rows.length - 1]!);
  }
  const missed = rows.filter((r) => !r.ok);
  process.stdout.write(`\n${rows.length - missed.length} of ${rows.length} goals met\n`);
  if (missed.length > 0) process.exitCode = 1;
}

await main();
