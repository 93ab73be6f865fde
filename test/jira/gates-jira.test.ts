/**
 * The linked-issue criteria of the gates, judged from a loopback Jira: issues-ready, work-complete,
 * future-work. Every case runs against Jira Cloud (bulk fetch, basic auth, descriptions in Atlassian
 * Document Format) and Jira Data Center (a search by key with validateQuery=warn, a personal access
 * token as bearer, descriptions in wiki markup: the loopback Jira serves the same issues' ADF as wiki).
 */
import { describe, expect, it } from "vitest";
import { adf, fakeIssue, loopbackJira, READY_DESCRIPTION, readyIssue, type Credentials, type Deployment, type FakeIssue, type JiraServer } from "../helpers/jira-server.js";
import { baseEnv } from "../helpers/run-cli.js";
import { byId, checkJson, copyExample, editFrontMatter } from "../spine/support.js";

const DEPLOYMENTS: Deployment[] = ["cloud", "datacenter"];
const PAT = "dc-personal-access-token-0123";

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

const done = (issue: FakeIssue): FakeIssue => ({ ...issue, status: "Done", category: "done" });

describe.each(DEPLOYMENTS)("on Jira %s", (deployment) => {
  const cloud = deployment === "cloud";
  /** How linked issues are fetched: a bulk fetch on Cloud, a search by key on Data Center. */
  const LOOKUP = cloud ? "/rest/api/3/issue/bulkfetch" : "/rest/api/2/search";
  const credentials: Credentials | undefined = cloud ? undefined : { bearer: PAT };

  async function start(issues: FakeIssue[] = []) {
    jira = await startJira({ deployment, issues, ...(credentials ? { credentials } : {}) });
    return jira;
  }

  async function gate(gateId: "dor" | "dod", root: string, issues: FakeIssue[]) {
    await start(issues);
    const result = await checkJson(root, gateId, [], { env: baseEnv(jira.env) });
    const criteria = byId(result.report.projects[0]!);
    return { ...result, criteria };
  }

  /** The keys each lookup asked for: the bulk fetch's list, or the search's `key in (…)`. */
  const askedKeys = (r: { body: unknown }): string[] => {
    if (cloud) return (r.body as { issueIdsOrKeys: string[] }).issueIdsOrKeys;
    const jql = (r.body as { jql: string }).jql;
    const list = /^key in \((.*)\)$/.exec(jql);
    expect(list, jql).not.toBeNull();
    return list![1]!.split(",").map((k) => k.trim());
  };

  describe("issues-ready", () => {
    it("is met when every linked issue exists, has an assignee, a Fibonacci estimate and acceptance criteria", async () => {
      const { root } = project();
      const result = await gate("dor", root, ["CLOUD-40", "CLOUD-42", "CLOUD-43", "CLOUD-50"].map((k) => readyIssue(k)));
      expect(result.criteria["issues-ready"]).toMatchObject({ status: "met", detail: "3 linked issues ready" });
      expect(result.code).toBe(0);
      expect(result.report.passed).toBe(true);
      expect(jira.count("POST", LOOKUP)).toBe(1);
      expect(jira.requests.every((r) => r.authorized || r.path === "/rest/api/2/serverInfo")).toBe(true);
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
      await start();
      const result = await checkJson(root, "dor", ["--offline"], { env: baseEnv(jira.env) });
      expect(byId(result.report.projects[0]!)["issues-ready"]!.status).toBe("skipped");
      expect(jira.requests).toEqual([]);
    });

    it("without Jira credentials and without --offline: the report with Jira criteria skipped, then exit 2 saying what to set", async () => {
      const { root } = project();
      // A Data Center user says bearer and forgets the token; a Cloud user sets nothing.
      const env = cloud ? baseEnv() : baseEnv({ JIRA_HOST: "https://jira.example.com", JIRA_AUTH_TYPE: "bearer" });
      const missing = cloud ? "JIRA_EMAIL and JIRA_API_TOKEN" : "JIRA_API_TOKEN";
      const { code, report, stderr } = await checkJson(root, "dor", [], { env });
      expect(code).toBe(2);
      expect(report.passed).toBe(false);
      const issuesReady = report.projects[0]!.criteria.find((c) => c.id === "issues-ready")!;
      expect(issuesReady).toMatchObject({ status: "skipped", detail: expect.stringContaining(`Jira is not set up: set ${missing}`) });
      // The criteria that need no Jira are judged as usual.
      expect(report.projects[0]!.criteria.filter((c) => c.status !== "skipped").length).toBeGreaterThan(10);
      expect(stderr).toMatch(new RegExp(`^error: Jira is not set up: set ${missing}[^\\n]*--offline[^\\n]*\\n$`));
    });

    it("reads acceptance criteria from the description as the deployment writes it", async () => {
      const { root } = project({ milestones: [["CLOUD-42", "CLOUD-43"]] });
      // Cloud: a bold paragraph in ADF; Data Center: a bold wiki line. And a heading in either.
      const bold = cloud ? adf.doc(adf.paragraph("Context."), adf.bold("Acceptance criteria:"), adf.bullets("It works")) : "Context.\n\n*Acceptance criteria:*\n* It works";
      const heading = cloud ? READY_DESCRIPTION : "Why we do this.\n\nh3. Acceptance criteria\n# It works\n# It is tested";
      const result = await gate("dor", root, [readyIssue("CLOUD-40"), { ...readyIssue("CLOUD-42"), description: bold }, { ...readyIssue("CLOUD-43"), description: heading }]);
      expect(result.criteria["issues-ready"]).toMatchObject({ status: "met", detail: "2 linked issues ready" });
      // What the site sends is what the deployment has: ADF on Cloud, wiki markup on Data Center.
      const served = await fetch(`${jira.url}/rest/api/${cloud ? 3 : 2}/issue/CLOUD-40?fields=description`, { headers: { authorization: authorization(jira) } });
      const { fields } = (await served.json()) as { fields: { description: unknown } };
      if (cloud) expect(fields.description).toEqual(READY_DESCRIPTION);
      else expect(fields.description).toBe("Why we do this.\nh2. Acceptance criteria\n* It works\n* It is tested");
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
    ])(`%i linked keys (the epic one of them) are fetched in exactly %i ${cloud ? "bulk fetches" : "searches"}`, async (n, requests) => {
      const keys = Array.from({ length: n - 1 }, (_, i) => `CLOUD-${1000 + i}`);
      const half = Math.ceil(keys.length / 2);
      const { root } = project({ milestones: [keys.slice(0, half), keys.slice(half)] });
      const result = await gate("dor", root, [readyIssue("CLOUD-40"), ...keys.map((k) => readyIssue(k))]);
      expect(result.criteria["issues-ready"]).toMatchObject({ status: "met", detail: `${n - 1} linked issues ready` });
      expect(jira.count("POST", LOOKUP)).toBe(requests);
      const lookups = jira.matching("POST", LOOKUP);
      const sent = lookups.flatMap(askedKeys);
      expect(sent).toHaveLength(n); // the epic too, each key once
      expect(new Set(sent).size).toBe(n);
      // Data Center: a missing key must not fail the whole search, and 100 keys fit one page.
      if (!cloud) for (const r of lookups) expect(r.body).toMatchObject({ validateQuery: "warn", maxResults: 100, startAt: 0 });
      expect(jira.requests.filter((r) => r.path !== LOOKUP).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /rest/api/2/serverInfo", `GET /rest/api/${cloud ? 3 : 2}/field`]);
    });
  });
});

/** The Authorization header the site accepts. */
function authorization(server: JiraServer): string {
  const { JIRA_EMAIL, JIRA_API_TOKEN, JIRA_AUTH_TYPE } = server.env;
  return JIRA_AUTH_TYPE === "bearer" ? `Bearer ${JIRA_API_TOKEN}` : `Basic ${Buffer.from(`${JIRA_EMAIL}:${JIRA_API_TOKEN}`).toString("base64")}`;
}
