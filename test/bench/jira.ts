/** 500 linked Jira keys: how many requests `cloud dor check` makes, and whether they run in parallel. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readyIssue, startJiraServer } from "../helpers/jira-server.js";
import { BIN, cleanEnv, spawnOrThrow } from "./measure.js";

export async function benchJira(count = 500, latencyMs = 20) {
  const keys = Array.from({ length: count }, (_, i) => `CLOUD-${i + 1}`);
  const jira = await startJiraServer({ issues: keys.map((k) => readyIssue(k)), latencyMs });
  const dir = mkdtempSync(path.join(tmpdir(), "cloud-bench-jira-"));
  try {
    const folder = path.join(dir, "docs", "projects", "many-issues");
    mkdirSync(folder, { recursive: true });
    const milestones = [0, 1, 2, 3, 4].map(
      (m) => `  - name: "M${m + 1}"\n    due: 2027-0${m + 1}-15\n    issues: [${keys.slice(m * 100, (m + 1) * 100).join(", ")}]`,
    );
    writeFileSync(
      path.join(folder, "project.md"),
      `---\ntitle: Many issues\ndri: "@alice"\nmilestones:\n${milestones.join("\n")}\n---\n`,
    );
    const run = await spawnOrThrow([BIN, "dor", "check", "--json", "docs/projects/many-issues"], { cwd: dir, env: cleanEnv(jira.env), timeoutMs: 60_000 });
    if (run.code !== 1 && run.code !== 0) throw new Error(`dor check exited ${run.code}: ${run.stderr}`);
    const report = JSON.parse(run.stdout) as { projects: { criteria: { id: string; status: string }[] }[] };
    const ready = report.projects[0]!.criteria.find((c) => c.id === "issues-ready");
    if (ready?.status !== "met") throw new Error(`issues-ready is ${ready?.status}, expected met`);
    return {
      bulkfetch: jira.count("POST", "/rest/api/3/issue/bulkfetch"),
      total: jira.requests.length,
      maxInFlight: jira.maxInFlight(),
      ms: run.ms,
    };
  } finally {
    await jira.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
