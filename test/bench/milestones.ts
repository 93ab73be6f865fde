/** 10,000 project items through the loopback GitHub server with added latency: requests, wall time, memory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startGitHubServer } from "../helpers/github-server.js";
import { CURRENT, cleanEnv, median, spawnOrThrow, type Build } from "./measure.js";

const MILESTONES = [
  { title: "M1: POC", dueOn: "2026-12-15" },
  { title: "M2: Beta", dueOn: "2027-02-01" },
  { title: "M3: GA", dueOn: null },
];

export interface MilestoneResult {
  requests: number;
  wall: number;
  startup: number;
  peakMiB: number;
  walls: number[];
  startups: number[];
}

/** The report for this build and, when given, the base build, run by run in turns against one server. */
export async function benchMilestones(items = 10_000, latencyMs = 20, runs = 3, base?: Build): Promise<{ current: MilestoneResult; base?: MilestoneResult }> {
  const gh = await startGitHubServer({ latencyMs });
  const cwd = mkdtempSync(path.join(tmpdir(), "cloud-bench-ms-"));
  try {
    const org = gh.organization("acme");
    const repo = org.repository("mono");
    const big = org.project({ number: 1, title: "Big" });
    for (let i = 0; i < items; i++) {
      const content = i % 3 === 0 ? { draft: `Draft ${i}` } : repo.issue({ number: i + 1, state: i % 2 ? "closed" : "open" });
      const milestone = i % 7 === 0 ? undefined : MILESTONES[i % MILESTONES.length];
      big.addItem({ content, values: { ...(milestone ? { Milestone: milestone } : {}), ...(i % 4 ? { Status: "Done" } : {}), Estimate: i % 5 } });
    }
    org.project({ number: 2, title: "Small" }).addItem({ content: { draft: "one" } });
    const env = cleanEnv(gh.env());
    const builds = base ? [CURRENT, base] : [CURRENT];
    const report = (build: Build, project: number, peakMemory = false) =>
      spawnOrThrow([build.bin, "milestone", "report", "--owner", "acme", "--project", String(project), "--json"], { cwd, env, peakMemory, timeoutMs: 60_000 });

    // Start-up: a one-item report loads everything the big one does, and makes one request.
    const startups = new Map<Build, number[]>(builds.map((b) => [b, []]));
    for (const b of builds) await report(b, 2);
    for (let i = 0; i < runs; i++) for (const b of builds) startups.get(b)!.push((await report(b, 2)).ms - latencyMs);

    const walls = new Map<Build, number[]>(builds.map((b) => [b, []]));
    const requests = new Map<Build, number>();
    const peaks = new Map<Build, number>(builds.map((b) => [b, 0]));
    for (let i = 0; i < runs; i++) {
      for (const b of builds) {
        const before = gh.requests.length;
        const run = await report(b, 1, true);
        if (run.code !== 0) throw new Error(`${b.label}: milestone report exited ${run.code}: ${run.stderr.slice(0, 500)}`);
        const doc = JSON.parse(run.stdout) as { milestones: { total: number }[] };
        const total = doc.milestones.reduce((s, m) => s + m.total, 0);
        if (total !== items) throw new Error(`${b.label}: report counted ${total} items, expected ${items}`);
        requests.set(b, gh.requests.length - before);
        walls.get(b)!.push(run.ms);
        peaks.set(b, Math.max(peaks.get(b)!, run.peakMiB ?? 0));
      }
    }
    gh.verify();
    const result = (b: Build): MilestoneResult => ({
      requests: requests.get(b)!,
      wall: median(walls.get(b)!),
      startup: median(startups.get(b)!),
      peakMiB: peaks.get(b)!,
      walls: walls.get(b)!,
      startups: startups.get(b)!,
    });
    return { current: result(CURRENT), ...(base ? { base: result(base) } : {}) };
  } finally {
    await gh.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}
