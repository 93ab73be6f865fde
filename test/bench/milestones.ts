/** 10,000 project items through the loopback GitHub server with added latency: requests, wall time, memory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startGitHubServer } from "../helpers/github-server.js";
import { BIN, cleanEnv, median, spawnTimed } from "./measure.js";

const MILESTONES = [
  { title: "M1: POC", dueOn: "2026-12-15" },
  { title: "M2: Beta", dueOn: "2027-02-01" },
  { title: "M3: GA", dueOn: null },
];

export async function benchMilestones(items = 10_000, latencyMs = 20, runs = 3) {
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
    const report = (project: number, peakMemory = false) =>
      spawnTimed([BIN, "milestone", "report", "--owner", "acme", "--project", String(project), "--json"], { cwd, env, peakMemory });

    // Start-up: a one-item report loads everything the big one does, and makes one request.
    await report(2);
    const startups: number[] = [];
    for (let i = 0; i < runs; i++) startups.push((await report(2)).ms - latencyMs);

    const walls: number[] = [];
    let requests = 0;
    let peakMiB = 0;
    for (let i = 0; i < runs; i++) {
      const before = gh.requests.length;
      const run = await report(1, true);
      if (run.code !== 0) throw new Error(`milestone report exited ${run.code}: ${run.stderr}`);
      const doc = JSON.parse(run.stdout) as { milestones: { total: number }[] };
      const total = doc.milestones.reduce((s, m) => s + m.total, 0);
      if (total !== items) throw new Error(`report counted ${total} items, expected ${items}`);
      requests = gh.requests.length - before;
      walls.push(run.ms);
      peakMiB = Math.max(peakMiB, run.peakMiB ?? 0);
    }
    gh.verify();
    return { requests, wall: median(walls), startup: median(startups), peakMiB };
  } finally {
    await gh.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}
