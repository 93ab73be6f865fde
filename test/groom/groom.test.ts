/**
 * `cloud groom check` against the loopback Jira, on a fixed clock (a Monday and a Thursday, local
 * time): the session's query, each criterion met and unmet in both phases, keys Jira does not have,
 * --jql, paging, exact request counts on Jira Cloud and Data Center, every output format, and the
 * same verdicts as `issues-ready` in `cloud dor check`.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { displayWidth } from "../../src/io/width.js";
import { adf, fakeIssue, loopbackJira, READY_DESCRIPTION, readyIssue, type FakeIssue, type JiraServer, type JiraServerOptions } from "../helpers/jira-server.js";
import { baseEnv, cli, type CliResult } from "../helpers/run-cli.js";
import { lint } from "../helpers/markdownlint.js";
import { tempDir } from "../helpers/tmp.js";
import { byId, checkJson, copyExample, editFrontMatter } from "../spine/support.js";

/** Local time, so the weekday is the same in every time zone the tests run in. */
const MONDAY = new Date(2026, 2, 2, 10, 0);
const WEDNESDAY = new Date(2026, 2, 4, 17, 0);
const THURSDAY = new Date(2026, 2, 5, 10, 0);
const SUNDAY = new Date(2026, 2, 8, 10, 0);

const SESSION_JQL = 'project = CLOUD AND labels = "grooming" AND statusCategory != Done ORDER BY Rank ASC';
const FIELDS = ["summary", "status", "assignee", "description", "customfield_10016"];

const startJira = loopbackJira();

interface GroomJson {
  check: "groom";
  phase: "refine" | "estimate";
  passed: boolean;
  issues: { key: string; summary: string | null; url: string | null; assignee: string | null; passed: boolean; criteria: { id: string; status: string; detail: string }[] }[];
}

const labelled = (issue: FakeIssue, labels = ["grooming"]): FakeIssue => ({ ...issue, labels });
const described = adf.doc(adf.paragraph("Why we do this, and for whom."));
const headingsOnly = adf.doc(adf.heading(2, "Context"), adf.paragraph("TBD"), adf.heading(2, "Acceptance criteria"));

/** A session with each criterion met and unmet, plus issues the query must leave out. */
function session(): FakeIssue[] {
  return [
    labelled(readyIssue("CLOUD-1", "Ready in every way")),
    labelled({ ...readyIssue("CLOUD-2", "Nobody owns this"), assignee: null, points: null }),
    labelled(fakeIssue("CLOUD-3", "No description at all", { assignee: "Joe Chen", points: 5 })),
    labelled(fakeIssue("CLOUD-4", "Described, no acceptance criteria", { assignee: "Joe Chen", description: described })),
    labelled({ ...readyIssue("CLOUD-5", "Estimated off the sequence"), points: 4 }),
    labelled(fakeIssue("CLOUD-6", "Only headings and placeholders", { assignee: "Bob Builder", description: headingsOnly, points: 2 })),
    labelled({ ...readyIssue("CLOUD-7", "Not a grooming issue") }, ["backlog"]),
    labelled({ ...readyIssue("CLOUD-8", "Done already"), assignee: null, status: "Done", category: "done" }),
    labelled(readyIssue("OTHER-1", "Another project")),
  ];
}

/** Every criterion's status, by issue: the expected verdicts of session() in each phase. */
const REFINE: Record<string, Record<string, string>> = {
  "CLOUD-1": { owner: "met", description: "met", "acceptance-criteria": "met", estimate: "met" },
  "CLOUD-2": { owner: "unmet", description: "met", "acceptance-criteria": "met", estimate: "skipped" },
  "CLOUD-3": { owner: "met", description: "unmet", "acceptance-criteria": "unmet", estimate: "met" },
  "CLOUD-4": { owner: "met", description: "met", "acceptance-criteria": "unmet", estimate: "skipped" },
  "CLOUD-5": { owner: "met", description: "met", "acceptance-criteria": "met", estimate: "unmet" },
  "CLOUD-6": { owner: "met", description: "unmet", "acceptance-criteria": "unmet", estimate: "met" },
};
const ESTIMATE: Record<string, Record<string, string>> = {
  ...REFINE,
  "CLOUD-2": { ...REFINE["CLOUD-2"]!, estimate: "unmet" },
  "CLOUD-4": { ...REFINE["CLOUD-4"]!, estimate: "unmet" },
};

function root(config = "jira:\n  project: CLOUD\n"): string {
  const dir = tempDir("cloud-groom-");
  writeFileSync(path.join(dir, "cloud.config.yaml"), config);
  return dir;
}

async function groom(jira: JiraServer, args: string[], options: { now?: Date; cwd?: string; tty?: boolean; columns?: number } = {}): Promise<CliResult> {
  return cli(["groom", "check", ...args], { cwd: options.cwd ?? root(), env: baseEnv(jira.env), now: options.now ?? MONDAY, ...(options.tty ? { tty: true } : {}), ...(options.columns ? { columns: options.columns } : {}) });
}

async function groomJson(jira: JiraServer, args: string[] = [], options: { now?: Date; cwd?: string } = {}): Promise<{ code: number; report: GroomJson; stderr: string }> {
  const result = await groom(jira, [...args, "--json"], options);
  let report: GroomJson;
  try {
    report = JSON.parse(result.stdout) as GroomJson;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return { code: result.code, report, stderr: result.stderr };
}

const statusesOf = (report: GroomJson) => Object.fromEntries(report.issues.map((i) => [i.key, Object.fromEntries(i.criteria.map((c) => [c.id, c.status]))]));

const DC = { deployment: "datacenter", credentials: { bearer: "dc-personal-access-token-5ecret" } } as const satisfies JiraServerOptions;
const SEARCH = { cloud: "/rest/api/3/search/jql", datacenter: "/rest/api/2/search" } as const;

describe.each([
  ["Jira Cloud", {} as JiraServerOptions],
  ["Jira Data Center (bearer)", DC as JiraServerOptions],
])("the session on %s", (_, site) => {
  const deployment = site.deployment ?? "cloud";
  const v = deployment === "cloud" ? 3 : 2;

  it("refine on a Monday: owner, description and acceptance criteria count, a missing estimate is skipped, a non-Fibonacci one is unmet", async () => {
    const jira = await startJira({ ...site, issues: session() });
    const { code, report, stderr } = await groomJson(jira, [], { now: MONDAY });
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(report.phase).toBe("refine");
    expect(report.passed).toBe(false);
    // The labelled, open issues of the project, in rank order, and nothing else.
    expect(report.issues.map((i) => i.key)).toEqual(["CLOUD-1", "CLOUD-2", "CLOUD-3", "CLOUD-4", "CLOUD-5", "CLOUD-6"]);
    expect(statusesOf(report)).toEqual(REFINE);
    expect(report.issues.map((i) => i.passed)).toEqual([true, false, false, false, false, false]);
    const two = report.issues[1]!.criteria.find((c) => c.id === "estimate")!;
    expect(two.detail).toBe("no estimate yet (estimated on Thursday and Friday)");
    const five = report.issues[4]!.criteria.find((c) => c.id === "estimate")!;
    expect(five.detail).toMatch(/^estimate 4 is not a Fibonacci number \(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89\)$/);

    // Exactly: the deployment (a loopback host is not Atlassian's), the story points field, one search page.
    expect(jira.calls()).toEqual(["GET /rest/api/2/serverInfo", `GET /rest/api/${v}/field`, `POST ${SEARCH[deployment]}`]);
    const search = jira.matching("POST", SEARCH[deployment])[0]!.body as { jql: string; fields: string[]; validateQuery?: string };
    expect(search.jql).toBe(SESSION_JQL);
    expect(search.fields).toEqual(FIELDS);
    expect(jira.requests.filter((r) => r.path !== "/rest/api/2/serverInfo").every((r) => r.authorized)).toBe(true);
  });

  it("estimate on a Thursday: a missing estimate is unmet too", async () => {
    const jira = await startJira({ ...site, issues: session() });
    const { code, report } = await groomJson(jira, [], { now: THURSDAY });
    expect(code).toBe(1);
    expect(report.phase).toBe("estimate");
    expect(statusesOf(report)).toEqual(ESTIMATE);
    expect(report.issues.find((i) => i.key === "CLOUD-4")!.criteria.find((c) => c.id === "estimate")!.detail).toBe("no estimate");
  });

  it("more than one page: 250 labelled issues take three search pages, each judged", async () => {
    const issues = Array.from({ length: 250 }, (_, i) => labelled({ ...readyIssue(`CLOUD-${i + 1}`), points: i % 2 === 0 ? 3 : null }));
    const jira = await startJira({ ...site, issues });
    const { code, report } = await groomJson(jira, [], { now: WEDNESDAY });
    expect(report.issues).toHaveLength(250);
    expect(new Set(report.issues.map((i) => i.key)).size).toBe(250);
    expect(report.issues.every((i) => i.passed)).toBe(true);
    expect(code).toBe(0);
    expect(jira.count("POST", SEARCH[deployment])).toBe(3);
    expect(jira.requests).toHaveLength(5);
  });

  it("keys: exactly those issues, in the order given, and a key Jira does not have is unmet 'exists'", async () => {
    const jira = await startJira({ ...site, issues: session() });
    const { code, report } = await groomJson(jira, ["cloud-3", "CLOUD-99", "CLOUD-1", "CLOUD-7", "CLOUD-3"], { now: MONDAY });
    expect(code).toBe(1);
    expect(report.issues.map((i) => i.key)).toEqual(["CLOUD-3", "CLOUD-99", "CLOUD-1", "CLOUD-7"]);
    expect(report.issues[1]).toEqual({
      key: "CLOUD-99",
      summary: null,
      url: null,
      assignee: null,
      passed: false,
      criteria: [{ id: "exists", status: "unmet", detail: "CLOUD-99 does not exist" }],
    });
    // Not labelled, and still checked: keys select the issues by themselves.
    expect(report.issues[3]).toMatchObject({ key: "CLOUD-7", passed: true });
    if (deployment === "cloud") {
      // Search answers a missing key with a 400 on Cloud: bulk fetch answers without it.
      expect(jira.calls()).toEqual(["GET /rest/api/2/serverInfo", "GET /rest/api/3/field", "POST /rest/api/3/issue/bulkfetch"]);
      expect(jira.requests[2]!.body).toEqual({ issueIdsOrKeys: ["CLOUD-3", "CLOUD-99", "CLOUD-1", "CLOUD-7"], fields: FIELDS });
    } else {
      expect(jira.calls()).toEqual(["GET /rest/api/2/serverInfo", "GET /rest/api/2/field", "POST /rest/api/2/search"]);
      expect(jira.requests[2]!.body).toMatchObject({ jql: "key in (CLOUD-3, CLOUD-99, CLOUD-1, CLOUD-7)", validateQuery: "warn", fields: FIELDS });
    }
  });

  it("--jql: exactly what the query selects, in its order, done issues included", async () => {
    const jira = await startJira({ ...site, issues: session() });
    const jql = "project = CLOUD AND key in (CLOUD-8, CLOUD-5, CLOUD-1) ORDER BY key DESC";
    const { code, report } = await groomJson(jira, ["--jql", jql], { now: THURSDAY });
    expect(code).toBe(1);
    expect(report.issues.map((i) => i.key)).toEqual(["CLOUD-8", "CLOUD-5", "CLOUD-1"]);
    expect(report.issues.map((i) => i.passed)).toEqual([false, false, true]);
    expect((jira.matching("POST", SEARCH[deployment])[0]!.body as { jql: string }).jql).toBe(jql);
    expect(jira.requests).toHaveLength(3);
  });
});

describe("the phase", () => {
  it.each([
    [MONDAY, "refine"],
    [WEDNESDAY, "refine"],
    [THURSDAY, "estimate"],
    [SUNDAY, "estimate"],
  ] as const)("on %s is %s by default", async (now, phase) => {
    const jira = await startJira({ issues: [labelled(readyIssue("CLOUD-1"))] });
    const { report } = await groomJson(jira, [], { now });
    expect(report.phase).toBe(phase);
  });

  it("--phase wins over the weekday", async () => {
    const jira = await startJira({ issues: session() });
    const refine = await groomJson(jira, ["--phase", "refine"], { now: THURSDAY });
    const estimate = await groomJson(jira, ["--phase", "estimate"], { now: MONDAY });
    expect(statusesOf(refine.report)).toEqual(REFINE);
    expect(statusesOf(estimate.report)).toEqual(ESTIMATE);
  });

  it("a session ready for refining passes on Monday and fails on Thursday until it is estimated", async () => {
    const issues = [labelled({ ...readyIssue("CLOUD-1"), points: null }), labelled(readyIssue("CLOUD-2"))];
    const jira = await startJira({ issues });
    const monday = await groomJson(jira, [], { now: MONDAY });
    expect(monday).toMatchObject({ code: 0, report: { passed: true } });
    const thursday = await groomJson(jira, [], { now: THURSDAY });
    expect(thursday).toMatchObject({ code: 1, report: { passed: false } });
  });
});

describe("selection", () => {
  it("--project and --label override the config, and the label is quoted safely", async () => {
    const issues = [labelled(readyIssue("OTHER-1")), labelled(readyIssue("OTHER-2"), ['say"hi\\']), labelled(readyIssue("CLOUD-1"), ['say"hi\\'])];
    const jira = await startJira({ issues });
    const { code, report } = await groomJson(jira, ["--project", "other", "--label", 'say"hi\\']);
    expect(code).toBe(0);
    expect(report.issues.map((i) => i.key)).toEqual(["OTHER-2"]);
    expect((jira.matching("POST", SEARCH.cloud)[0]!.body as { jql: string }).jql).toBe('project = OTHER AND labels = "say\\"hi\\\\" AND statusCategory != Done ORDER BY Rank ASC');
  });

  it("groom.label in the config names the label", async () => {
    const jira = await startJira({ issues: [labelled(readyIssue("CLOUD-1"), ["next-session"]), labelled(readyIssue("CLOUD-2"))] });
    const { report } = await groomJson(jira, [], { cwd: root("jira:\n  project: CLOUD\ngroom:\n  label: next-session\n") });
    expect(report.issues.map((i) => i.key)).toEqual(["CLOUD-1"]);
  });

  it("an empty session is exit 1, 'nothing to groom' on stderr, nothing on stdout", async () => {
    const jira = await startJira({ issues: [labelled(readyIssue("CLOUD-1"), ["backlog"])] });
    const result = await groom(jira, []);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("Nothing to groom: no open issue of CLOUD is labelled 'grooming'. Label the issues of the next session in Jira, or pass --label.\n");
  });

  it("an empty session with --json still prints one document", async () => {
    const jira = await startJira({ issues: [] , projects: [{ key: "CLOUD", name: "Cloud" }] });
    const { code, report, stderr } = await groomJson(jira);
    expect(code).toBe(1);
    expect(report).toEqual({ check: "groom", phase: "refine", passed: false, issues: [] });
    expect(stderr).toMatch(/^Nothing to groom/);
  });

  it("--jql that selects nothing is exit 1 too", async () => {
    const jira = await startJira({ issues: session() });
    const result = await groom(jira, ["--jql", "project = CLOUD AND labels = nothing-here"]);
    expect(result).toMatchObject({ code: 1, stdout: "", stderr: "Nothing to groom: the --jql query selects no issues.\n" });
  });

  it("--jql Jira refuses is exit 2, with Jira's words", async () => {
    const jira = await startJira({ issues: session(), allowBadJql: true });
    const result = await groom(jira, ["--jql", "project = CLOUD AND frobnicate = 3"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: Jira refused the query "project = CLOUD AND frobnicate = 3": .*Field 'frobnicate' does not exist.*Check the query in Jira's issue search\.\n$/);
  });

  it("a project Jira does not have is exit 2 naming what to check", async () => {
    const jira = await startJira({ issues: session(), allowBadJql: true });
    const result = await groom(jira, ["--project", "NOPE"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Jira refused the query "project = NOPE AND .*The value 'NOPE' does not exist for the field 'project'.*--project or jira\.project/);
  });

  it("more than 100 keys on Cloud: one bulk fetch per 100", async () => {
    const keys = Array.from({ length: 150 }, (_, i) => `CLOUD-${i + 1}`);
    const jira = await startJira({ issues: keys.slice(0, 140).map((k) => readyIssue(k)) });
    const { report } = await groomJson(jira, keys);
    expect(report.issues).toHaveLength(150);
    expect(report.issues.filter((i) => i.criteria[0]!.id === "exists").map((i) => i.key)).toEqual(keys.slice(140));
    expect(jira.count("POST", "/rest/api/3/issue/bulkfetch")).toBe(2);
    expect(jira.requests).toHaveLength(4);
  });

  it("a moved issue is checked under the key it has now", async () => {
    const jira = await startJira({ issues: [readyIssue("CLOUD-1"), { ...readyIssue("NEW-7", "Moved"), formerKeys: ["CLOUD-7"] }] });
    const { code, report, stderr } = await groomJson(jira, ["CLOUD-7", "CLOUD-1"]);
    expect(code).toBe(0);
    expect(report.issues.map((i) => [i.key, i.url])).toEqual([
      ["NEW-7", `${jira.url}/browse/NEW-7`],
      ["CLOUD-1", `${jira.url}/browse/CLOUD-1`],
    ]);
    expect(stderr).toBe("CLOUD-7 has moved to NEW-7; checking NEW-7.\n");
    // The bulk fetch answers under the new key; one look-up of the old key alone says which it was.
    expect(jira.count("POST", "/rest/api/3/issue/bulkfetch")).toBe(1);
    expect(jira.count("GET", "/rest/api/3/issue/CLOUD-7")).toBe(1);
  });
});

describe("bad input and failures", () => {
  it.each([
    [["CLOUD-1", "not-a-key"], /^error: 'not-a-key' is not a Jira issue key/],
    [["CLOUD-0"], /^error: 'CLOUD-0' is not a Jira issue key/],
    [["42"], /^error: '42' is not a Jira issue key/],
    [["CLOUD-1", "--jql", "project = CLOUD"], /^error: give issue keys or --jql, not both/],
    [["CLOUD-1", "--label", "x"], /^error: issue keys select exactly those issues, so --label has nothing to do/],
    [["--jql", "project = CLOUD", "--project", "CLOUD"], /^error: --jql selects the issues by itself, so --project has nothing to do/],
    [["--phase", "friday"], /^error: --phase expects refine or estimate, not 'friday'/],
    [["--project", "C-1"], /^error: --project expects a Jira project key such as CLOUD, not 'C-1'/],
    [["--json", "--format", "markdown"], /^error: --json and --format markdown ask for different outputs/],
  ])("%j is exit 2 before any request", async (args, error) => {
    const jira = await startJira({ issues: session() });
    const result = await groom(jira, args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(error);
    expect(jira.requests).toEqual([]);
  });

  it("no project anywhere is exit 2 saying where to set one", async () => {
    const jira = await startJira({ issues: session() });
    const result = await groom(jira, ["--json"], { cwd: root("docs:\n  dir: docs\n") });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(/^error: no Jira project for the grooming session\. Pass --project <KEY>, set jira\.project/);
    expect(jira.requests).toEqual([]);
  });

  it("missing credentials are exit 2 with nothing on stdout", async () => {
    const result = await cli(["groom", "check", "--json"], { cwd: root(), env: baseEnv(), now: MONDAY });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: Jira is not set up: set JIRA_HOST/);
  });

  it("Jira failing is exit 3 with nothing on stdout", async () => {
    const jira = await startJira({ issues: session(), faults: [{ status: 500, path: SEARCH.cloud }] });
    const result = await groom(jira, ["--json"]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: Jira at 127\.0\.0\.1:\d+ answered 500 Internal Server Error to POST \/rest\/api\/3\/search\/jql/);
  });

  it("refused credentials on Data Center say which deployment and credentials were assumed", async () => {
    const jira = await startJira({ ...DC, issues: session() });
    const cwd = root("jira:\n  project: CLOUD\n  deployment: datacenter\n");
    const result = await cli(["groom", "check"], { cwd, env: baseEnv({ ...jira.env, JIRA_API_TOKEN: "wrong-token-value" }), now: MONDAY });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/assumed Jira Data Center, a bearer token from JIRA_API_TOKEN/);
    expect(result.stderr).not.toContain("wrong-token-value");
  });
});

describe("output", () => {
  it("JSON is exactly the contract's document", async () => {
    const jira = await startJira({ issues: [labelled(fakeIssue("CLOUD-42", "The answer to everything", { assignee: "Joe Chen", description: described, points: 3 }))] });
    const { report } = await groomJson(jira);
    expect(report).toEqual({
      check: "groom",
      phase: "refine",
      passed: false,
      issues: [
        {
          key: "CLOUD-42",
          summary: "The answer to everything",
          url: `${jira.url}/browse/CLOUD-42`,
          assignee: "Joe Chen",
          passed: false,
          criteria: [
            { id: "owner", status: "met", detail: "assigned to Joe Chen" },
            { id: "description", status: "met", detail: "described" },
            { id: "acceptance-criteria", status: "unmet", detail: "no 'Acceptance criteria' section" },
            { id: "estimate", status: "met", detail: "3 points" },
          ],
        },
      ],
    });
    expect(Object.keys(report)).toEqual(["check", "phase", "passed", "issues"]);
    expect(Object.keys(report.issues[0]!)).toEqual(["key", "summary", "url", "assignee", "passed", "criteria"]);
  });

  it("plain when piped: one tab-separated line per issue and criterion, grouped by assignee, no assignee first", async () => {
    const jira = await startJira({ issues: session() });
    const result = await groom(jira, []);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split("\n").map((l) => l.split("\t"));
    expect(lines).toHaveLength(6 * 4);
    for (const fields of lines) expect(fields).toHaveLength(5);
    expect([...new Set(lines.map((f) => f[0]))]).toEqual(["CLOUD-2", "CLOUD-1", "CLOUD-5", "CLOUD-6", "CLOUD-3", "CLOUD-4"]);
    expect(lines[0]).toEqual(["CLOUD-2", "unmet", "owner", "no assignee", ""]);
    expect(lines).toContainEqual(["CLOUD-5", "unmet", "estimate", expect.stringMatching(/^estimate 4 is not a Fibonacci number/), "Alice Example"]);
    expect(lines).toContainEqual(["CLOUD-4", "skipped", "estimate", "no estimate yet (estimated on Thursday and Friday)", "Joe Chen"]);
  });

  describe.each([80, 200])("on a terminal of %i columns", (columns) => {
    it("grouped by assignee, no assignee first, what each owes under each issue, no line too long, the verdict last", async () => {
      const long = "A summary that goes on and on, far beyond what any terminal of eighty columns could show on one line, and then some more";
      const issues = [...session(), labelled(fakeIssue("CLOUD-9", long, { assignee: "Zoë Very-Long-Name Of Someone Who Has Many Names Indeed And Then Some More Names", points: 7 }))];
      const jira = await startJira({ issues });
      const result = await groom(jira, [], { tty: true, columns, now: THURSDAY });
      expect(result.code).toBe(1);
      const lines = result.stdout.trimEnd().split("\n");
      for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(columns);
      // The phase first, then a group after each blank line, the verdict after the last one.
      const groups = lines.filter((_, i) => i > 0 && lines[i - 1] === "" && i < lines.length - 1);
      expect(groups.map((g) => g.slice(0, 11))).toEqual(["No assignee", "Alice Examp", "Bob Builder", "Joe Chen (2", "Zoë Very-Lo"]);
      expect(groups[0]).toBe("No assignee (1 issue, 1 to finish)");
      expect(groups[3]).toBe("Joe Chen (2 issues, 2 to finish)");
      // CLOUD-2 is unassigned and unestimated on Thursday: both listed under it.
      const at = lines.findIndex((l) => l.startsWith("  ✗ CLOUD-2 "));
      expect(lines.slice(at + 1, at + 3).map((l) => l.trim().split(/\s+/).slice(0, 2).join(" "))).toEqual(["✗ owner", "✗ estimate"]);
      // A ready issue is one line; met criteria are not listed.
      const one = lines.findIndex((l) => l.startsWith("  ✓ CLOUD-1 "));
      expect(lines[one + 1]).toMatch(/^ {2}[✓✗] CLOUD-/);
      expect(result.stdout).not.toMatch(/✓ owner/);
      if (columns === 80) expect(lines.find((l) => l.includes("CLOUD-9"))).toMatch(/…$/);
      else expect(result.stdout).toContain(long);
      expect(lines.at(-1)).toBe("Not passed: 1 of 7 issues is ready for the estimate phase.");
    });
  });

  it("all ready on a terminal: the verdict says so", async () => {
    const jira = await startJira({ issues: [labelled(readyIssue("CLOUD-1")), labelled(readyIssue("CLOUD-2"))] });
    const result = await groom(jira, [], { tty: true, columns: 80 });
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("Passed: all 2 issues are ready for the refine phase.");
  });

  it("Markdown starts with an H1 verdict, groups by assignee and passes markdownlint, hostile summaries included", async () => {
    const hostile = [
      labelled(fakeIssue("CLOUD-20", "<b>bold</b> *stars* _under_ `tick` [link](x) # hash | pipe ~~strike~~", { assignee: "Eve <script>", points: 3, description: READY_DESCRIPTION })),
      labelled(fakeIssue("CLOUD-21", "See https://example.com/a_b and www.example.org, mail eve@example.com", { assignee: "Mallory **Bold**", points: 6 })),
      labelled(fakeIssue("CLOUD-22", "#notaheading\n- not a list\n\n# nor this", { assignee: null })),
    ];
    const jira = await startJira({ issues: [...session(), ...hostile] });
    const failing = await groom(jira, ["--format", "markdown"]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^# ❌ Grooming, refine phase: 2 of 9 issues ready\n/);
    const headings = failing.stdout.split("\n").filter((l) => l.startsWith("## "));
    expect(headings[0]).toBe("## No assignee (2 issues, 2 to finish)");
    expect(failing.stdout).toContain(`- ❌ [CLOUD-5](${jira.url}/browse/CLOUD-5) Estimated off the sequence\n  - \`estimate\`: estimate 4 is not a Fibonacci number`);
    expect(failing.stdout).toContain("See <https://example.com/a_b> and www\\.example.org, mail eve\\@example.com");
    expect(failing.stdout).not.toContain("<b>");

    const passingJira = await startJira({ issues: [labelled(readyIssue("CLOUD-1"))] });
    const passing = await groom(passingJira, ["--format", "markdown"], { now: THURSDAY });
    expect(passing.code).toBe(0);
    expect(passing.stdout).toMatch(/^# ✅ Grooming, estimate phase: the issue ready\n/);
    expect(lint({ "failing.md": failing.stdout, "passing.md": passing.stdout })).toBe("");
  });
});

describe("one definition: groom check and issues-ready agree", () => {
  it("on the same issues, every issue issues-ready names is one groom check fails, for the same reasons", async () => {
    const issues = [readyIssue("CLOUD-40", "The epic"), ...session().filter((i) => i.key.startsWith("CLOUD-") && i.key !== "CLOUD-8")];
    const keys = ["CLOUD-1", "CLOUD-2", "CLOUD-3", "CLOUD-4", "CLOUD-5", "CLOUD-6", "CLOUD-7", "CLOUD-99"];
    const example = copyExample();
    editFrontMatter(example.projectMd, (fm) => {
      fm.epic = "CLOUD-40";
      fm.milestones = [{ ...fm.milestones[0], issues: keys.slice(0, 4) }, { ...fm.milestones[1], issues: keys.slice(4) }];
    });
    const jira = await startJira({ issues });
    const dor = await checkJson(example.root, "dor", [], { env: baseEnv(jira.env), now: THURSDAY });
    const groomed = await groomJson(jira, keys, { now: THURSDAY, cwd: example.root });

    const ready = byId(dor.report.projects[0]!)["issues-ready"]!;
    expect(ready.status).toBe("unmet");
    // issues-ready: "KEY: what it lacks, …" or "KEY does not exist", joined by "; ".
    const fromDor = Object.fromEntries(ready.detail.split("; ").map((p) => (/^(\S+) does not exist$/.test(p) ? [p.split(" ")[0], p] : [p.slice(0, p.indexOf(":")), p.slice(p.indexOf(": ") + 2)])));
    const fromGroom = Object.fromEntries(
      groomed.report.issues
        .filter((i) => !i.passed)
        .map((i) => {
          const unmet = i.criteria.filter((c) => c.status === "unmet").map((c) => c.detail);
          return [i.key, i.criteria[0]!.id === "exists" ? unmet[0] : unmet.join(", ")];
        }),
    );
    expect(fromGroom).toEqual(fromDor);
    expect(Object.keys(fromGroom).sort()).toEqual(["CLOUD-2", "CLOUD-3", "CLOUD-4", "CLOUD-5", "CLOUD-6", "CLOUD-99"]);
    expect(groomed.report.issues.filter((i) => i.passed).map((i) => i.key)).toEqual(["CLOUD-1", "CLOUD-7"]);
  });
});

