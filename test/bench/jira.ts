/**
 * Jira through the built CLI against the loopback Jira with added latency: 500 linked keys in `cloud
 * dor check` (how many requests, whether in parallel), and `cloud milestone report --source jira` over
 * 10,000 issues in 10 versions (search pages, searches at once, wall time against one sequential search
 * over the same issues, measured in the same run).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fakeIssue, fakeVersion, readyIssue, startJiraServer, TEST_CREDENTIALS } from "../helpers/jira-server.js";
import { BIN, cleanEnv, median, spawnOrThrow, spawnTimed } from "./measure.js";

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

/**
 * The baseline is what the report would cost with one search over every issue of the project, paged
 * one page after another: the same pages of 100, sent from this process with fetch. The CLI's start-up
 * (loading jira.js, serverInfo, the project, its versions and the field lookup) is measured on a project
 * of one version and one issue, and taken off the report's wall time before the two are compared.
 */
export async function benchJiraVersions(count = 10_000, versionCount = 10, latencyMs = 20, runs = 3) {
  const versions = Array.from({ length: versionCount }, (_, i) => fakeVersion("BIG", String(40_000 + i), `V${i + 1}`, { releaseDate: `2027-01-${String(i + 1).padStart(2, "0")}` }));
  const issues = Array.from({ length: count }, (_, i) => fakeIssue(`BIG-${i + 1}`, "Work", { fixVersions: [versions[i % versionCount]!.id], points: i % 5 }));
  const small = [fakeVersion("ONE", "50000", "Only"), fakeIssue("ONE-1", "Work", { fixVersions: ["50000"] })] as const;
  const jira = await startJiraServer({ projects: [{ key: "BIG", name: "Big" }], versions: [...versions, small[0]], issues: [...issues, small[1]], latencyMs });
  const cwd = mkdtempSync(path.join(tmpdir(), "cloud-bench-versions-"));
  const search = "/rest/api/3/search/jql";
  const report = (key: string) => spawnTimed([BIN, "milestone", "report", "--source", "jira", "--project", key, "--json"], { cwd, env: cleanEnv(jira.env) });
  try {
    // Start-up: serverInfo, then project + versions + field together, then one search: three round trips.
    await report("ONE");
    const startups: number[] = [];
    for (let i = 0; i < runs; i++) startups.push((await report("ONE")).ms - 3 * latencyMs);

    const walls: number[] = [];
    let pages = 0;
    let maxInFlight = 0;
    for (let i = 0; i < runs; i++) {
      const before = jira.requests.length;
      const run = await report("BIG");
      if (run.code !== 0) throw new Error(`milestone report exited ${run.code}: ${run.stderr}`);
      const doc = JSON.parse(run.stdout) as { milestones: { total: number }[] };
      const total = doc.milestones.reduce((n, m) => n + m.total, 0);
      if (total !== count) throw new Error(`report counted ${total} issues, expected ${count}`);
      pages = jira.requests.slice(before).filter((r) => r.path === search).length;
      walls.push(run.ms);
    }
    maxInFlight = jira.maxInFlight(search);

    const authorization = `Basic ${Buffer.from(`${TEST_CREDENTIALS.email}:${TEST_CREDENTIALS.apiToken}`).toString("base64")}`;
    const sequential: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      let token: string | undefined;
      do {
        const answer = await fetch(`${jira.url}${search}`, {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify({ jql: 'project = "BIG"', fields: ["status", "fixVersions", "issuetype", "customfield_10016"], maxResults: 100, ...(token ? { nextPageToken: token } : {}) }),
        });
        token = ((await answer.json()) as { nextPageToken?: string }).nextPageToken;
      } while (token);
      sequential.push(performance.now() - started);
    }
    jira.verify();
    return { pages, maxInFlight, wall: median(walls), startup: median(startups), sequential: median(sequential) };
  } finally {
    await jira.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}
