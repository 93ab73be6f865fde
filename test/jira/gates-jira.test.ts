/** The linked-issue criteria of the gates, judged from a loopback Jira: issues-ready, work-complete, future-work. */
import { describe, expect, it } from "vitest";
import { fakeIssue, loopbackJira, readyIssue, type FakeIssue, type JiraServer } from "../helpers/jira-server.js";
import { baseEnv } from "../helpers/run-cli.js";
import { byId, checkJson, copyExample, editFrontMatter } from "../spine/support.js";

const BULK = "/rest/api/3/issue/bulkfetch";

const startJira = loopbackJira();
let jira: JiraServer;

/** The example project (whose other DoR criteria are met), linking only Jira issues. */
function project(links: { epic?: string; milestones?: string[][]; futureWork?: string[] } = {}) {
  const example = copyExample();
  editFrontMatter(example.projectMd, (fm) => {
    fm.epic = links.epic ?? "CLOUD-40";
    const issues = links.milestones ?? [["CLOUD-42", "CLOUD-43"], ["CLOUD-50"]];
    fm.milestones = fm.milestones.slice(0, issues.length).map((m: Record<string, unknown>, i: number) => ({ ...m, issues: issues[i] }));
    fm.future_work = links.futureWork ?? [];
  });
  return example;
}

async function gate(gateId: "dor" | "dod", root: string, issues: FakeIssue[]) {
  jira = await startJira({ issues });
  const result = await checkJson(root, gateId, [], { env: baseEnv(jira.env) });
  const criteria = byId(result.report.projects[0]!);
  return { ...result, criteria };
}

const done = (issue: FakeIssue): FakeIssue => ({ ...issue, status: "Done", category: "done" });

describe("issues-ready", () => {
  it("is met when every linked issue exists, has an assignee, a Fibonacci estimate and acceptance criteria", async () => {
    const { root } = project();
    const result = await gate("dor", root, ["CLOUD-40", "CLOUD-42", "CLOUD-43", "CLOUD-50"].map((k) => readyIssue(k)));
    expect(result.criteria["issues-ready"]).toMatchObject({ status: "met", detail: "3 linked issues ready" });
    expect(result.code).toBe(0);
    expect(result.report.passed).toBe(true);
    expect(jira.count("POST", BULK)).toBe(1);
  });

  it("is unmet naming each failing key and what it lacks", async () => {
    const { root } = project({ milestones: [["CLOUD-42", "CLOUD-43", "CLOUD-44"], ["CLOUD-50", "CLOUD-99"]] });
    const result = await gate("dor", root, [
      readyIssue("CLOUD-40"),
      { ...readyIssue("CLOUD-42"), assignee: null },
      { ...readyIssue("CLOUD-43"), points: 4 },
      { ...readyIssue("CLOUD-44"), points: null },
      { ...readyIssue("CLOUD-50"), description: null },
    ]);
    expect(result.code).toBe(1);
    const { status, detail } = result.criteria["issues-ready"]!;
    expect(status).toBe("unmet");
    // One problem per key, each naming what it lacks (and nothing about the ready ones).
    const problems = detail.split("; ");
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/^CLOUD-42: .*assignee/);
    expect(problems[1]).toMatch(/^CLOUD-43: estimate 4 is not a Fibonacci number/);
    expect(problems[2]).toMatch(/^CLOUD-44: .*no estimate/);
    expect(problems[3]).toMatch(/^CLOUD-50: .*no 'Acceptance criteria' section/);
    expect(problems[4]).toBe("CLOUD-99 does not exist");
  });

  it("is unmet when the epic does not exist", async () => {
    const { root } = project();
    const result = await gate("dor", root, ["CLOUD-42", "CLOUD-43", "CLOUD-50"].map((k) => readyIssue(k)));
    expect(result.criteria["issues-ready"]).toMatchObject({ status: "unmet", detail: expect.stringMatching(/epic CLOUD-40 does not exist/) });
  });

  it("is skipped with --offline, and Jira is not asked", async () => {
    const { root } = project();
    jira = await startJira();
    const result = await checkJson(root, "dor", ["--offline"], { env: baseEnv(jira.env) });
    expect(byId(result.report.projects[0]!)["issues-ready"]!.status).toBe("skipped");
    expect(jira.requests).toEqual([]);
  });

  it("without Jira credentials and without --offline: the report with Jira criteria skipped, then exit 2 saying what to set", async () => {
    const { root } = project();
    const { code, report, stderr } = await checkJson(root, "dor", [], { env: baseEnv() });
    expect(code).toBe(2);
    expect(report.passed).toBe(false);
    const issuesReady = report.projects[0]!.criteria.find((c) => c.id === "issues-ready")!;
    expect(issuesReady).toMatchObject({ status: "skipped", detail: expect.stringMatching(/Jira is not set up: set JIRA_EMAIL and JIRA_API_TOKEN/) });
    // The criteria that need no Jira are judged as usual.
    expect(report.projects[0]!.criteria.filter((c) => c.status !== "skipped").length).toBeGreaterThan(10);
    expect(stderr).toMatch(/^error: Jira is not set up: set JIRA_EMAIL and JIRA_API_TOKEN[^\n]*--offline[^\n]*\n$/);
  });
});

describe("work-complete", () => {
  it("is met when every linked issue is in the done status category", async () => {
    const { root } = project();
    const result = await gate("dod", root, ["CLOUD-40", "CLOUD-42", "CLOUD-43", "CLOUD-50"].map((k) => done(readyIssue(k))));
    expect(result.criteria["work-complete"]).toMatchObject({ status: "met", detail: "3 linked issues done" });
  });

  it("is unmet naming each issue not done, with its status", async () => {
    const { root } = project();
    const result = await gate("dod", root, [
      done(readyIssue("CLOUD-40")),
      done(readyIssue("CLOUD-42")),
      readyIssue("CLOUD-43"),
      fakeIssue("CLOUD-50", "Waiting", { status: "Waiting for review", category: "indeterminate" }),
    ]);
    expect(result.criteria["work-complete"]!.status).toBe("unmet");
    expect(result.criteria["work-complete"]!.detail).toBe("CLOUD-43 is not done (In Progress); CLOUD-50 is not done (Waiting for review)");
  });
});

describe("future-work", () => {
  it("is met when every future-work issue exists, whatever its state", async () => {
    const { root } = project({ futureWork: ["CLOUD-60", "CLOUD-61"] });
    const result = await gate("dod", root, [...["CLOUD-40", "CLOUD-42", "CLOUD-43", "CLOUD-50"].map((k) => done(readyIssue(k))), fakeIssue("CLOUD-60", "Later"), fakeIssue("CLOUD-61", "Much later")]);
    expect(result.criteria["future-work"]).toMatchObject({ status: "met", detail: "2 linked issues tracked" });
  });

  it("is unmet naming a future-work issue that does not exist", async () => {
    const { root } = project({ futureWork: ["CLOUD-60", "CLOUD-61"] });
    const result = await gate("dod", root, [...["CLOUD-40", "CLOUD-42", "CLOUD-43", "CLOUD-50"].map((k) => done(readyIssue(k))), fakeIssue("CLOUD-60", "Later")]);
    expect(result.criteria["future-work"]).toMatchObject({ status: "unmet", detail: "CLOUD-61 does not exist" });
  });
});

describe("many linked issues", () => {
  it.each([
    [150, 2],
    [500, 5],
  ])("%i linked keys (the epic one of them) are fetched in exactly %i bulkfetch requests", async (n, requests) => {
    const keys = Array.from({ length: n - 1 }, (_, i) => `CLOUD-${1000 + i}`);
    const half = Math.ceil(keys.length / 2);
    const { root } = project({ milestones: [keys.slice(0, half), keys.slice(half)] });
    const result = await gate("dor", root, [readyIssue("CLOUD-40"), ...keys.map((k) => readyIssue(k))]);
    expect(result.criteria["issues-ready"]).toMatchObject({ status: "met", detail: `${n - 1} linked issues ready` });
    expect(jira.count("POST", BULK)).toBe(requests);
    const sent = jira.requests.filter((r) => r.path === BULK).flatMap((r) => (r.body as { issueIdsOrKeys: string[] }).issueIdsOrKeys);
    expect(sent).toHaveLength(n); // the epic too, each key once
    expect(new Set(sent).size).toBe(n);
    expect(jira.requests.filter((r) => r.path !== BULK).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /rest/api/2/serverInfo", "GET /rest/api/3/field"]);
  });
});
