/**
 * `cloud milestone report --source jira` against the loopback Jira, on Jira Cloud and on Data Center:
 * the versions a report shows and their order, the numbers of each (checked against an independent
 * computation), the exact requests, the bound on searches in flight (a barrier, never a clock), paging,
 * and the failures: an unknown project, no versions, refused credentials.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fakeIssue, fakeVersion, loopbackJira, type Credentials, type Deployment, type FakeIssue, type FakeVersion, type JiraServer, type JiraServerOptions } from "../helpers/jira-server.js";
import { baseEnv, cli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/tmp.js";
import { fetchJiraVersions, type VersionsClient } from "../../src/milestones/sources/jira-versions.js";
import type { JiraIssue } from "../../src/trackers/jira/jira.js";
import { buildVersionReport, type VersionInfo, type VersionIssue } from "../../src/milestones/summary.js";

const NOW = new Date("2026-03-10T15:00:00Z");
const TODAY = "2026-03-10";
const DEPLOYMENTS: Deployment[] = ["cloud", "datacenter"];
const PAT = "dc-personal-access-token-0123";
const POINTS = "customfield_10016";

const startJira = loopbackJira();

/** Cloud takes an email and an API token (basic); Data Center a personal access token (bearer). */
const credentialsFor = (deployment: Deployment): Credentials | undefined => (deployment === "datacenter" ? { bearer: PAT } : undefined);
const rest = (deployment: Deployment) => `/rest/api/${deployment === "cloud" ? 3 : 2}`;
const searchPath = (deployment: Deployment) => (deployment === "cloud" ? "/rest/api/3/search/jql" : "/rest/api/2/search");

// ---------------------------------------------------------------------------------------------
// The site: project CLOUD with versions of every kind

const VERSIONS: FakeVersion[] = [
  fakeVersion("CLOUD", "10001", "1.0 Launch", { releaseDate: "2026-02-20", startDate: "2026-01-05" }), // every issue done
  fakeVersion("CLOUD", "10002", "1.1 Hardening", { releaseDate: "2026-03-01" }), // passed, work open
  fakeVersion("CLOUD", "10003", "1.2 Regions", { releaseDate: "2026-03-14" }), // 4 days left, most open
  fakeVersion("CLOUD", "10004", "2.0", { releaseDate: "2026-06-30", startDate: "2026-03-01" }), // far; 150 issues
  fakeVersion("CLOUD", "10005", "10.0 Vision", { releaseDate: "2026-06-30" }), // same date as 2.0: by name, numbers as numbers
  fakeVersion("CLOUD", "10006", "Someday"), // no release date
  fakeVersion("CLOUD", "10007", "Empty", { releaseDate: "2026-04-30" }), // no issues at all
  fakeVersion("CLOUD", "10008", "0.9 Preview", { released: true, releaseDate: "2026-01-15", startDate: "2025-12-01" }),
  fakeVersion("CLOUD", "10009", "0.8 Alpha", { released: true }), // released, undated
  fakeVersion("CLOUD", "10010", "0.1 Prototype", { released: true, archived: true, releaseDate: "2025-06-01" }),
  fakeVersion("CLOUD", "10011", "Abandoned", { archived: true, releaseDate: "2026-05-01" }),
];

let nextNumber = 1;
const issue = (versions: string[], status: "To Do" | "In Progress" | "Done", points: number | null, rest: Partial<FakeIssue> = {}): FakeIssue =>
  fakeIssue(`CLOUD-${nextNumber++}`, `Issue ${nextNumber}`, { fixVersions: versions, status, category: status === "Done" ? "done" : status === "To Do" ? "new" : "indeterminate", points, ...rest });

const ISSUES: FakeIssue[] = [
  // 1.0 Launch: all done, one without points.
  issue(["10001"], "Done", 3),
  issue(["10001"], "Done", null),
  issue(["10001"], "Done", 5, { status: "Closed", category: "done" }), // another status of the Done category
  // 1.1 Hardening: overdue.
  issue(["10002"], "Done", 2),
  issue(["10002"], "In Progress", 3),
  issue(["10002"], "To Do", 0.5),
  // 1.2 Regions: 1 of 4 done with 4 days left; one issue also in 2.0.
  issue(["10003"], "Done", 1),
  issue(["10003"], "In Progress", 8),
  issue(["10003"], "To Do", null),
  issue(["10003", "10004"], "In Progress", 5, { status: "In Review" }),
  // 2.0: 150 issues (two search pages), a third done.
  ...Array.from({ length: 149 }, (_, i) => issue(["10004"], i % 3 === 0 ? "Done" : "To Do", [1, 2, 3, null][i % 4]!)),
  // 10.0 Vision, Someday
  issue(["10005"], "To Do", 13),
  issue(["10006"], "In Progress", 2, { type: "Task" }),
  issue(["10006"], "Done", 1, { type: "Bug" }),
  // Released versions (shown with --all), an archived one (never), and an issue in a released and an unreleased version.
  issue(["10008"], "Done", 3),
  issue(["10008"], "To Do", 2), // released with work open: still "released"
  issue(["10009"], "Done", null),
  issue(["10010"], "Done", 8),
  issue(["10011"], "To Do", 5),
  issue(["10008", "10006"], "Done", 1),
  // Sub-tasks: left out, each counted once, even in two versions; one only in a released version.
  issue(["10003"], "Done", 1, { type: "Sub-task" }),
  issue(["10003", "10004"], "To Do", 2, { type: "Sub-task" }),
  issue(["10008"], "To Do", null, { type: "Sub-task" }),
  issue(["10011"], "To Do", null, { type: "Sub-task" }), // archived only: not even skipped
  // No version: in no milestone.
  issue([], "To Do", 3),
];

const SITE: JiraServerOptions = { projects: [{ key: "CLOUD", name: "Cloud Platform" }], versions: VERSIONS, issues: ISSUES };

async function site(deployment: Deployment, options: JiraServerOptions = SITE): Promise<JiraServer> {
  const credentials = credentialsFor(deployment);
  return startJira({ ...options, deployment, ...(credentials ? { credentials } : {}) });
}

function report(jira: JiraServer, args: string[], options: { tty?: boolean; env?: Record<string, string | undefined>; cwd?: string } = {}) {
  return cli(["milestone", "report", ...args], { cwd: options.cwd ?? tempDir(), env: baseEnv({ ...jira.env, ...options.env }), now: NOW, tty: options.tty ?? false });
}

const jiraReport = (jira: JiraServer, args: string[], options?: Parameters<typeof report>[2]) => report(jira, ["--source", "jira", "--project", "CLOUD", ...args], options);

// ---------------------------------------------------------------------------------------------
// The contract's rules, computed here without the code under test

function expectedReport(url: string, versions: FakeVersion[], issues: FakeIssue[], all: boolean) {
  const byDateThenName = (a: FakeVersion, b: FakeVersion) => {
    if (a.releaseDate !== b.releaseDate) return a.releaseDate === undefined ? 1 : b.releaseDate === undefined ? -1 : a.releaseDate < b.releaseDate ? -1 : 1;
    return a.name.localeCompare(b.name, "en", { numeric: true });
  };
  const live = versions.filter((v) => !v.archived);
  const shown = [...live.filter((v) => !v.released).sort(byDateThenName), ...(all ? live.filter((v) => v.released).sort(byDateThenName) : [])];
  const ids = new Set(shown.map((v) => v.id));
  const isSubtask = (i: FakeIssue) => i.type === "Sub-task";
  const sum = (list: FakeIssue[]) => Math.round(list.reduce((s, i) => s + (i.points ?? 0), 0) * 100) / 100;
  const milestones = shown.map((v) => {
    const items = issues.filter((i) => !isSubtask(i) && (i.fixVersions ?? []).includes(v.id));
    const done = items.filter((i) => i.category === "done");
    const dueOn = v.releaseDate ?? null;
    const daysLeft = dueOn === null ? null : (Date.parse(dueOn) - Date.parse(TODAY)) / 86_400_000;
    const open = items.length - done.length;
    let state: string;
    if (v.released) state = "released";
    else if (items.length > 0 && open === 0) state = "done";
    else if (daysLeft === null) state = "no-due-date";
    else if (daysLeft < 0) state = "overdue";
    else if (daysLeft <= 14 && items.length > 0 && open / items.length > daysLeft / 14) state = "at-risk";
    else state = "on-track";
    return {
      id: v.id,
      name: v.name,
      startOn: v.startDate ?? null,
      dueOn,
      total: items.length,
      done: done.length,
      percent: items.length === 0 ? 0 : Math.round((100 * done.length) / items.length),
      points: { total: sum(items), done: sum(done) },
      state,
      released: v.released ?? false,
    };
  });
  const subtasks = issues.filter((i) => isSubtask(i) && (i.fixVersions ?? []).some((id) => ids.has(id))).length;
  return { source: "jira", project: { title: "Cloud Platform", url: `${url}/projects/CLOUD` }, milestones, skipped: { subtasks } };
}

/** Search pages a version costs: one per 100 issues, one for none. */
const pagesOf = (versionId: string, issues: FakeIssue[]) => Math.max(1, Math.ceil(issues.filter((i) => (i.fixVersions ?? []).includes(versionId)).length / 100));

describe.each(DEPLOYMENTS)("on Jira %s", (deployment) => {
  const v = rest(deployment);
  const search = searchPath(deployment);

  it("--json: the contract's document, matching an independent computation, for the open versions", async () => {
    const jira = await site(deployment);
    const result = await jiraReport(jira, ["--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toEqual(expectedReport(jira.url, VERSIONS, ISSUES, false));
    expect(Object.keys(doc)).toEqual(["source", "project", "milestones", "skipped"]);
    expect(Object.keys(doc.milestones[0])).toEqual(["id", "name", "startOn", "dueOn", "total", "done", "percent", "points", "state", "released"]);
    // The fixture covers what the contract names, so the comparison proves something.
    expect(doc.milestones.map((m: { name: string; state: string }) => [m.name, m.state])).toEqual([
      ["1.0 Launch", "done"],
      ["1.1 Hardening", "overdue"],
      ["1.2 Regions", "at-risk"],
      ["Empty", "on-track"],
      ["2.0", "on-track"],
      ["10.0 Vision", "on-track"],
      ["Someday", "no-due-date"],
    ]);
    const byName = Object.fromEntries(doc.milestones.map((m: { name: string }) => [m.name, m]));
    expect(byName["1.0 Launch"]).toMatchObject({ id: "10001", startOn: "2026-01-05", dueOn: "2026-02-20", total: 3, done: 3, percent: 100, points: { total: 8, done: 8 }, released: false });
    expect(byName["1.2 Regions"]).toMatchObject({ total: 4, done: 1, percent: 25, points: { total: 14, done: 1 } });
    expect(byName["2.0"]).toMatchObject({ total: 150, startOn: "2026-03-01" }); // 149 of its own and one shared with 1.2
    expect(byName.Empty).toMatchObject({ total: 0, done: 0, percent: 0, points: { total: 0, done: 0 } });
    expect(doc.skipped).toEqual({ subtasks: 2 });
  });

  it("--all: the released versions after the others, as released; archived ones never", async () => {
    const jira = await site(deployment);
    const result = await jiraReport(jira, ["--all", "--json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toEqual(expectedReport(jira.url, VERSIONS, ISSUES, true));
    expect(doc.milestones.slice(-2).map((m: { name: string; state: string; released: boolean }) => [m.name, m.state, m.released])).toEqual([
      ["0.9 Preview", "released", true],
      ["0.8 Alpha", "released", true],
    ]);
    expect(doc.milestones.map((m: { name: string }) => m.name)).not.toContain("Abandoned");
    expect(doc.milestones.map((m: { name: string }) => m.name)).not.toContain("0.1 Prototype");
    // The issue in 0.9 and Someday counts in both; the sub-task only in 0.9 is now skipped too.
    expect(doc.milestones.find((m: { name: string }) => m.name === "0.9 Preview")).toMatchObject({ total: 3, done: 2 });
    expect(doc.milestones.find((m: { name: string }) => m.name === "Someday")).toMatchObject({ total: 3, done: 2 });
    expect(doc.skipped).toEqual({ subtasks: 3 });
  });

  it("asks for exactly what it needs: one page of versions, one search page per 100 issues, the field lookup, serverInfo", async () => {
    const jira = await site(deployment);
    const result = await jiraReport(jira, ["--json"]);
    expect(result.code).toBe(0);
    const shown = VERSIONS.filter((x) => !x.archived && !x.released);
    const searches = shown.reduce((n, x) => n + pagesOf(x.id, ISSUES), 0);
    expect(searches).toBe(shown.length + 1); // 2.0 takes two pages
    expect(jira.count("GET", "/rest/api/2/serverInfo")).toBe(1);
    expect(jira.count("GET", `${v}/project/CLOUD`)).toBe(1);
    expect(jira.count("GET", `${v}/project/CLOUD/version`)).toBe(1);
    expect(jira.count("GET", `${v}/field`)).toBe(1);
    expect(jira.count("POST", search)).toBe(searches);
    expect(jira.requests).toHaveLength(4 + searches);
    expect(jira.requests.every((r) => r.authorized || r.path.endsWith("/serverInfo"))).toBe(true);

    // One query a version, by id, with only the fields the report reads.
    const bodies = jira.matching("POST", search).map((r) => r.body as { jql: string; fields: string[]; maxResults: number });
    expect(new Set(bodies.map((b) => b.jql))).toEqual(new Set(shown.map((x) => `project = "CLOUD" AND fixVersion = ${x.id}`)));
    for (const body of bodies) {
      expect(body.fields).toEqual(["status", "fixVersions", "issuetype", POINTS]);
      expect(body.maxResults).toBe(100);
    }
    // 2.0's 150 issues: the second page follows the first, by token on Cloud and by startAt on Data Center.
    const pages = jira.matching("POST", search).filter((r) => (r.body as { jql: string }).jql.endsWith("= 10004"));
    expect(pages).toHaveLength(2);
    if (deployment === "cloud") {
      expect((pages[0]!.body as { nextPageToken?: string }).nextPageToken).toBeUndefined();
      expect((pages[1]!.body as { nextPageToken?: string }).nextPageToken).toEqual(expect.any(String));
    } else {
      expect(pages.map((r) => (r.body as { startAt: number }).startAt)).toEqual([0, 100]);
    }
  });

  it("pages through 120 versions, 50 a page, and one search for each version shown", async () => {
    const versions = Array.from({ length: 120 }, (_, i) => fakeVersion("BIG", String(20_000 + i), `R${i + 1}`, { released: i < 30, releaseDate: `2027-01-${String((i % 28) + 1).padStart(2, "0")}` }));
    const issues = versions.slice(25, 40).map((x, i) => fakeIssue(`BIG-${i + 1}`, "Work", { fixVersions: [x.id], status: "Done", category: "done", points: 1 }));
    const jira = await site(deployment, { projects: [{ key: "BIG", name: "Big" }], versions, issues });
    const result = await report(jira, ["--source", "jira", "--project", "BIG", "--json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toEqual({ ...expectedReport(jira.url, versions, issues, false), project: { title: "Big", url: `${jira.url}/projects/BIG` } });
    expect(doc.milestones).toHaveLength(90);
    expect(jira.matching("GET", `${v}/project/BIG/version`).map((r) => r.query.startAt)).toEqual(["0", "50", "100"]);
    expect(jira.count("POST", search)).toBe(90);
    expect(jira.requests).toHaveLength(1 + 1 + 3 + 1 + 90);
  });

  it("10,000 issues in 10 versions cost 100 search pages, within the contract's ceil(10,000 / 100) + 10", async () => {
    const versions = Array.from({ length: 10 }, (_, i) => fakeVersion("BIG", String(40_000 + i), `V${i + 1}`, { releaseDate: `2026-0${Math.floor(i / 2) + 4}-15` }));
    const issues = Array.from({ length: 10_000 }, (_, i) =>
      fakeIssue(`BIG-${i + 1}`, "Work", { fixVersions: [versions[i % 10]!.id], ...(i % 4 === 0 ? { status: "Done", category: "done" as const } : {}), points: i % 5 }),
    );
    const jira = await site(deployment, { projects: [{ key: "BIG", name: "Big" }], versions, issues });
    const result = await report(jira, ["--source", "jira", "--project", "BIG", "--json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toEqual({ ...expectedReport(jira.url, versions, issues, false), project: { title: "Big", url: `${jira.url}/projects/BIG` } });
    expect(doc.milestones.reduce((n: number, m: { total: number }) => n + m.total, 0)).toBe(10_000);
    expect(jira.count("POST", search)).toBe(100);
    expect(jira.count("POST", search)).toBeLessThanOrEqual(Math.ceil(10_000 / 100) + 10);
    expect(jira.maxInFlight(search)).toBeLessThanOrEqual(4);
  });

  it("keeps at most 4 searches in flight, and does have 4 in flight (a barrier, not a clock)", async () => {
    const jira = await site(deployment);
    const held = jira.barrier(4, { method: "POST", path: search });
    const result = await jiraReport(jira, ["--json"]);
    expect(result.code).toBe(0);
    expect(await held.released).toBe("filled");
    expect(jira.maxInFlight(search)).toBe(4);
    expect(JSON.parse(result.stdout)).toEqual(expectedReport(jira.url, VERSIONS, ISSUES, false));
  });

  it("--project overrides jira.project, and milestones.source: jira needs no --source", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "cloud.config.yaml"), "milestones:\n  source: jira\njira:\n  project: CLOUD\n");
    const jira = await site(deployment, {
      ...SITE,
      projects: [...SITE.projects!, { key: "OPS", name: "Operations" }],
      versions: [...VERSIONS, fakeVersion("OPS", "30001", "Q2", { releaseDate: "2026-06-30" })],
      issues: [...ISSUES, fakeIssue("OPS-1", "Rotate keys", { fixVersions: ["30001"], points: 2 })],
    });
    const fromConfig = await report(jira, ["--json"], { cwd });
    expect(fromConfig.code).toBe(0);
    expect(JSON.parse(fromConfig.stdout).project).toEqual({ title: "Cloud Platform", url: `${jira.url}/projects/CLOUD` });
    const overridden = await report(jira, ["--project", "ops", "--json"], { cwd });
    expect(overridden.code).toBe(0);
    expect(JSON.parse(overridden.stdout)).toEqual({
      source: "jira",
      project: { title: "Operations", url: `${jira.url}/projects/OPS` },
      milestones: [{ id: "30001", name: "Q2", startOn: null, dueOn: "2026-06-30", total: 1, done: 0, percent: 0, points: { total: 2, done: 0 }, state: "on-track", released: false }],
      skipped: { subtasks: 0 },
    });
    expect(jira.count("POST", search)).toBe(VERSIONS.filter((x) => !x.archived && !x.released).length + 1 + 1);
  });

  it("not a terminal: one tab-separated record per version, sub-tasks said on stderr", async () => {
    const jira = await site(deployment);
    const result = await jiraReport(jira, ["--all"]);
    expect(result.code).toBe(0);
    const expected = expectedReport(jira.url, VERSIONS, ISSUES, true);
    expect(result.stdout.trimEnd().split("\n").map((line) => line.split("\t"))).toEqual(
      expected.milestones.map((m) => [m.name, m.dueOn ?? "", `${m.done}/${m.total}`, `${m.percent}%`, `${m.points.done}/${m.points.total}`, m.state]),
    );
    expect(result.stderr).toBe("skipped: 3 sub-tasks\n");
  });

  it("on a terminal: the table, with progress while the versions' issues arrive", async () => {
    const jira = await site(deployment);
    const result = await jiraReport(jira, [], { tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Cloud Platform  ${jira.url}/projects/CLOUD`);
    expect(result.stdout).toMatch(/│ 1\.2 Regions\s+│ 2026-03-14 │ [█░]{20}  25% │ 1\/4\s+│ 1\/14\s+│ at-risk\s+│/);
    expect(result.stdout).toContain("Skipped: 2 sub-tasks.");
    expect(result.stderr).toContain("Fetching the issues of CLOUD's versions: 7 of 7");
    expect(result.stderr.endsWith("\r\x1b[2K")).toBe(true);
  });

  it("--format markdown: the same table and chart as for GitHub", async () => {
    const jira = await site(deployment);
    const result = await jiraReport(jira, ["--all", "--format", "markdown"]);
    expect(result.code).toBe(0);
    const expected = expectedReport(jira.url, VERSIONS, ISSUES, true);
    expect(result.stdout).toContain(`# Milestones of [Cloud Platform](${jira.url}/projects/CLOUD), ${TODAY}`);
    expect(result.stdout).toMatch(/^\| 9 \| 0\.8 Alpha \| — \| [█░]{10} 100% \| 1 \/ 1 \| 0 \/ 0 \| 📦 released \|$/m);
    expect(result.stdout).toContain("Skipped: 3 sub-tasks.");
    expect(result.stdout).toContain(`bar [${expected.milestones.map((m) => m.percent).join(", ")}]`);
    expect(result.stdout).toContain('"1. 1.0 Launch"');
  });

  describe("failures", () => {
    it("an unknown project key is exit 3 naming it, and nothing is searched", async () => {
      const jira = await site(deployment);
      const result = await report(jira, ["--source", "jira", "--project", "NOPE", "--json"]);
      expect(result.code).toBe(3);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^error: Jira project NOPE was not found at 127\.0\.0\.1:\d+ \(404 Not Found\)\. Check the project key \(--project or jira\.project\)/);
      expect(result.stderr.split("\n")).toHaveLength(2);
      expect(jira.count("POST", search)).toBe(0);
    });

    it("a project without versions is exit 1, nothing to report", async () => {
      const jira = await site(deployment, { projects: [{ key: "BARE", name: "Bare" }], issues: [fakeIssue("BARE-1", "Loose")] });
      const plain = await report(jira, ["--source", "jira", "--project", "BARE"]);
      expect(plain).toEqual({ code: 1, stdout: "", stderr: "Nothing to report: Jira project BARE has no versions.\n" });
      const json = await report(jira, ["--source", "jira", "--project", "BARE", "--json"]);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toEqual({ source: "jira", project: { title: "Bare", url: `${jira.url}/projects/BARE` }, milestones: [], skipped: { subtasks: 0 } });
      expect(jira.count("POST", search)).toBe(0);
    });

    it("only released (or archived) versions without --all is exit 1, saying --all would show them", async () => {
      const jira = await site(deployment, { versions: VERSIONS.filter((x) => x.released || x.archived), issues: [] });
      const result = await jiraReport(jira, []);
      expect(result).toEqual({ code: 1, stdout: "", stderr: "Nothing to report: Jira project CLOUD has no unreleased versions (pass --all to include its 2 released ones).\n" });
      const archivedOnly = await site(deployment, { versions: VERSIONS.filter((x) => x.archived), issues: [] });
      expect(await jiraReport(archivedOnly, ["--all"])).toEqual({ code: 1, stdout: "", stderr: "Nothing to report: every version of Jira project CLOUD is archived.\n" });
    });

    it("401 names the deployment and the kind of credentials sent, never their value", async () => {
      const jira = await site(deployment);
      const wrong = deployment === "cloud" ? { JIRA_API_TOKEN: "wrong-token-0123" } : { JIRA_API_TOKEN: "wrong-pat-0123" };
      const result = await jiraReport(jira, ["--json"], { env: wrong });
      expect(result.code).toBe(3);
      expect(result.stdout).toBe("");
      const [assumed, sent] = deployment === "cloud" ? ["Jira Cloud", "basic auth with JIRA_EMAIL and JIRA_API_TOKEN"] : ["Jira Data Center", "a bearer token from JIRA_API_TOKEN"];
      expect(result.stderr).toMatch(new RegExp(`^error: Jira at 127\\.0\\.0\\.1:\\d+ refused the credentials \\(401 Unauthorized; assumed ${assumed}, ${sent}\\)\\. Check JIRA_`));
      expect(result.stderr).not.toContain(wrong.JIRA_API_TOKEN);
      // serverInfo with the credentials, refused; again without any, to learn the deployment; nothing else.
      expect(jira.calls()).toEqual(["GET /rest/api/2/serverInfo", "GET /rest/api/2/serverInfo"]);
    });

    it("403 on the project names the deployment, the request and the kind of credentials sent", async () => {
      const jira = await site(deployment);
      jira.fault({ status: 403, method: "GET", path: new RegExp(`^${v}/project/CLOUD$`) });
      const result = await jiraReport(jira, ["--json"]);
      expect(result.code).toBe(3);
      const [assumed, sent] = deployment === "cloud" ? ["Jira Cloud", "basic auth with JIRA_EMAIL and JIRA_API_TOKEN"] : ["Jira Data Center", "a bearer token from JIRA_API_TOKEN"];
      expect(result.stderr).toContain(`denied access to GET ${v}/project/CLOUD (403 Forbidden; assumed ${assumed}, ${sent})`);
      expect(jira.count("POST", search)).toBe(0);
    });
  });
});

describe("the rules, without Jira", () => {
  const version = (id: string, name: string, rest: Partial<VersionInfo> = {}): VersionInfo => ({ id, name, archived: false, released: false, startOn: null, dueOn: null, ...rest });
  const found = (key: string, versionIds: string[], rest: Partial<VersionIssue> = {}): VersionIssue => ({ key, versionIds, subtask: false, done: false, points: null, ...rest });
  const versions = [version("1", "A", { dueOn: "2026-04-01" }), version("2", "B"), version("3", "Old", { released: true }), version("4", "Gone", { archived: true })];

  it("counts an issue once in each of its versions, however many searches found it; a sub-task once", () => {
    const issues = [
      found("X-1", ["1", "2"], { done: true, points: 2 }),
      found("X-1", ["1", "2"], { done: true, points: 2 }), // B's search finds it again
      found("X-2", ["1", "1"], { points: 0.5 }),
      found("X-3", ["1", "2"], { subtask: true, points: 8 }),
      found("X-3", ["1", "2"], { subtask: true, points: 8 }),
      found("X-4", ["3"], { subtask: true }), // only in a released version: not shown, not skipped
      found("X-5", ["4", "1"], { done: true, points: 1 }), // archived Gone is nothing; A counts it
    ];
    const report = buildVersionReport({ title: "P", url: null }, versions, issues, { all: false, now: NOW });
    expect(report.milestones.map((m) => [m.name, m.total, m.done, m.points, m.percent, m.state])).toEqual([
      ["A", 3, 2, { total: 3.5, done: 3 }, 67, "on-track"],
      ["B", 1, 1, { total: 2, done: 2 }, 100, "done"],
    ]);
    expect(report.skipped).toEqual({ subtasks: 1 });
    const all = buildVersionReport({ title: "P", url: null }, versions, issues, { all: true, now: NOW });
    expect(all.milestones.map((m) => [m.name, m.total, m.state, m.released])).toEqual([
      ["A", 3, "on-track", false],
      ["B", 1, "done", false],
      ["Old", 0, "released", true],
    ]);
    expect(all.skipped).toEqual({ subtasks: 2 });
  });
});

describe("searches in flight, step by step", () => {
  // The loopback test above shows 4 searches in flight at once and never more; but a client allowed 5
  // can look the same there, as its fifth request may arrive after the barrier has let the four go.
  // Here a scripted client answers each search only when told, so the bound is seen exactly: no
  // network, only promises, so once the event loop has turned every search that could start has.
  it("starts 4 searches, then one more for each answer", async () => {
    const versions = Array.from({ length: 9 }, (_, i) => ({ id: String(100 + i), name: `V${i}`, archived: false, released: false }));
    const pending: ((issues: JiraIssue[]) => void)[] = [];
    const client: VersionsClient = {
      project: async (key) => ({ key, name: "Cloud", url: "https://example.atlassian.net/projects/CLOUD" }),
      versions: async () => versions,
      storyPointsFields: async () => [POINTS],
      search: () => new Promise((resolve) => pending.push(resolve)),
    };
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const fetched = fetchJiraVersions(client, "CLOUD", { all: false });
    await settle();
    expect(pending).toHaveLength(4);
    for (let answered = 1; answered <= versions.length; answered++) {
      pending[answered - 1]!([]);
      await settle();
      expect(pending).toHaveLength(Math.min(versions.length, 4 + answered));
    }
    expect((await fetched).issues).toEqual([]);
  });
});

describe("flags that do not fit the source", () => {
  it.each([
    [["--source", "jira", "--project", "7"], "error: --project expects a Jira project key such as CLOUD with --source jira, not '7'.\n"],
    [["--source", "jira", "--project", "CLOUD", "--input", "items.json"], /^error: --input reads the output of `gh project item-list`; it does not go with --source jira\./],
    [["--source", "github", "--owner", "acme", "--project", "7", "--all"], /^error: --all adds the released Jira versions; it needs --source jira\./],
  ])("%j is exit 2 before any request", async (args, stderr) => {
    const jira = await site("cloud");
    const result = await report(jira, args as string[]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(stderr);
    expect(jira.requests).toEqual([]);
  });

  it("milestones.source: jira from the config decides what --project means, and --input is refused", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "cloud.config.yaml"), "milestones:\n  source: jira\n");
    const jira = await site("cloud");
    expect(await report(jira, ["--project", "7"], { cwd })).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: --project expects a Jira project key such as CLOUD with --source jira, not '7'.\n",
    });
    expect((await report(jira, ["--input", "-"], { cwd })).stderr).toMatch(/^error: --input reads the output of `gh project item-list`; it does not go with --source jira\./);
    expect(await report(jira, [], { cwd })).toEqual({ code: 2, stdout: "", stderr: "error: no Jira project given. Pass --project <KEY> or set jira.project in cloud.config.yaml.\n" });
    expect(jira.requests).toEqual([]);
  });

  it("without Jira credentials: exit 2 saying what to set", async () => {
    const result = await cli(["milestone", "report", "--source", "jira", "--project", "CLOUD"], { cwd: tempDir(), env: baseEnv(), now: NOW });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Jira is not set up: set JIRA_HOST/);
  });
});
