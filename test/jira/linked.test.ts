/** getLinkedIssues and myOpenIssues against the loopback Jira: batching, story points, facts per issue. */
import { describe, expect, it } from "vitest";
import { connectJira, type JiraClient } from "../../src/trackers/jira/jira.js";
import { defaultConfig, type Config } from "../../src/config/schema.js";
import { ExitCode, RemoteError, UsageError } from "../../src/errors.js";
import {
  adf,
  DEFAULT_FIELDS,
  fakeIssue,
  loopbackJira,
  readyIssue,
  READY_DESCRIPTION,
  startJiraServer,
  type JiraServerOptions,
  type JiraServer,
} from "../helpers/jira-server.js";

const BULK = "/rest/api/3/issue/bulkfetch";
const FIELDS = "/rest/api/3/field";

const startJira = loopbackJira();
let jira: JiraServer;

async function client(options: JiraServerOptions = {}, storyPointsField: string | null = null): Promise<JiraClient> {
  jira = await startJira(options);
  const config: Config = { ...defaultConfig, jira: { ...defaultConfig.jira, storyPointsField, deployment: "cloud" } };
  return connectJira({ env: jira.env, config });
}

const keys = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `CLOUD-${from + i}`);

describe("getLinkedIssues: batching", () => {
  it.each([
    [150, 2],
    [500, 5],
    [100, 1],
    [101, 2],
  ])("%i keys take %i bulkfetch requests of at most 100 keys each", async (n, requests) => {
    const all = keys(n);
    const jiraClient = await client({ issues: all.map((k) => readyIssue(k)) });
    const facts = await jiraClient.getLinkedIssues(all);

    expect(jira.count("POST", BULK)).toBe(requests);
    expect(jira.count("GET", FIELDS)).toBe(1);
    expect(jira.requests).toHaveLength(requests + 1);
    const sent = jira.requests.filter((r) => r.path === BULK).flatMap((r) => (r.body as { issueIdsOrKeys: string[] }).issueIdsOrKeys);
    expect(sent.sort()).toEqual([...all].sort());
    for (const r of jira.requests.filter((r) => r.path === BULK)) {
      expect((r.body as { issueIdsOrKeys: string[] }).issueIdsOrKeys.length).toBeLessThanOrEqual(100);
    }
    expect([...facts.keys()]).toEqual(all);
    expect([...facts.values()].every((f) => f.found && f.points === 3)).toBe(true);
  });

  it("sends no request for no keys", async () => {
    const jiraClient = await client();
    expect((await jiraClient.getLinkedIssues([])).size).toBe(0);
    expect(jira.requests).toEqual([]);
  });

  it("dedupes keys and upper-cases them", async () => {
    const jiraClient = await client({ issues: [readyIssue("CLOUD-1")] });
    const facts = await jiraClient.getLinkedIssues(["cloud-1", "CLOUD-1", " Cloud-1 "]);
    expect([...facts.keys()]).toEqual(["CLOUD-1"]);
    expect((jira.requests.find((r) => r.path === BULK)!.body as { issueIdsOrKeys: string[] }).issueIdsOrKeys).toEqual(["CLOUD-1"]);
  });

  it("reports keys Jira leaves out as not found, without failing the rest", async () => {
    const jiraClient = await client({ issues: [readyIssue("CLOUD-1"), readyIssue("CLOUD-3")] });
    const facts = await jiraClient.getLinkedIssues(["CLOUD-3", "CLOUD-2", "CLOUD-1"]);
    expect(facts.get("CLOUD-2")).toEqual({ ref: "CLOUD-2", found: false, assignee: null, described: false, acceptanceCriteria: false, done: false });
    expect(facts.get("CLOUD-1")?.found).toBe(true);
    expect(facts.get("CLOUD-3")?.found).toBe(true);
    expect(jira.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(["GET /rest/api/3/field", `POST ${BULK}`]);
  });

  it("finds a moved issue under the key the project wrote, asking for the missing keys one by one only then", async () => {
    const jiraClient = await client({ issues: [readyIssue("CLOUD-1"), { ...readyIssue("NEW-9", "Moved"), formerKeys: ["CLOUD-5"] }] });
    const facts = await jiraClient.getLinkedIssues(["CLOUD-5", "CLOUD-6", "CLOUD-1"]);
    expect(facts.get("CLOUD-5")).toMatchObject({ ref: "CLOUD-5", found: true, title: "Moved", url: `${jira.url}/browse/NEW-9` });
    expect(facts.get("CLOUD-6")?.found).toBe(false);
    expect(facts.get("CLOUD-1")?.found).toBe(true);
    expect(jira.count("POST", BULK)).toBe(1);
    expect(jira.count("GET", "/rest/api/3/issue/CLOUD-5")).toBe(1);
    expect(jira.count("GET", "/rest/api/3/issue/CLOUD-6")).toBe(1);
    expect(jira.count("GET", "/rest/api/3/issue/CLOUD-1")).toBe(0);
  });

  it("fails with exit 3 when Jira says it could not return some issues this time", async () => {
    const jiraClient = await client({
      issues: [readyIssue("CLOUD-1")],
      faults: [{ path: BULK, status: 200, body: { issues: [], issueErrors: [{ id: "10000", errorMessage: "Retry later" }] } }],
    });
    const error = await jiraClient.getLinkedIssues(["CLOUD-1"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toMatch(/could not return 1 linked issue\(s\) \(id 10000: Retry later\)/);
  });

  it("retries a batch that Jira answers 503, and only that batch", async () => {
    const all = keys(150);
    const jiraClient = await client({ issues: all.map((k) => readyIssue(k)), faults: [{ path: BULK, status: 503, retryAfter: "0" }] });
    const facts = await jiraClient.getLinkedIssues(all);
    expect(facts.size).toBe(150);
    expect(jira.count("POST", BULK)).toBe(3);
  });
});

describe("getLinkedIssues: the facts of one issue", () => {
  it("reads assignee, points, acceptance criteria, status and done from Jira's JSON", async () => {
    const jiraClient = await client({
      issues: [
        readyIssue("CLOUD-1", "Ready one"),
        fakeIssue("CLOUD-2", "Bare", { status: "Done", category: "done" }),
        fakeIssue("CLOUD-3", "Bold criteria", {
          assignee: "Bob",
          points: 4,
          description: adf.doc(adf.bold("Acceptance criteria:"), adf.paragraph("Given a user, when they log in, then it works.")),
        }),
        fakeIssue("CLOUD-4", "Empty criteria", { description: adf.doc(adf.heading(2, "Acceptance criteria"), adf.heading(2, "Notes"), adf.paragraph("x")) }),
        // Done is the status category, whatever a workflow names its statuses.
        fakeIssue("CLOUD-5", "Released", { status: "Released", category: "done" }),
        fakeIssue("CLOUD-6", "Named Done, not done", { status: "Done", category: "indeterminate" }),
      ],
    });
    const facts = await jiraClient.getLinkedIssues(["CLOUD-1", "CLOUD-2", "CLOUD-3", "CLOUD-4", "CLOUD-5", "CLOUD-6"]);
    expect(facts.get("CLOUD-5")).toMatchObject({ done: true, state: "Released" });
    expect(facts.get("CLOUD-6")).toMatchObject({ done: false, state: "Done" });
    expect(facts.get("CLOUD-1")).toEqual({
      ref: "CLOUD-1",
      found: true,
      url: `${jira.url}/browse/CLOUD-1`,
      title: "Ready one",
      assignee: "Alice Example",
      points: 3,
      described: true,
      acceptanceCriteria: true,
      done: false,
      state: "In Progress",
    });
    expect(facts.get("CLOUD-2")).toMatchObject({ assignee: null, points: null, acceptanceCriteria: false, done: true, state: "Done" });
    expect(facts.get("CLOUD-3")).toMatchObject({ assignee: "Bob", points: 4, acceptanceCriteria: true, done: false });
    expect(facts.get("CLOUD-4")?.acceptanceCriteria).toBe(false);
    const asked = (jira.requests.find((r) => r.path === BULK)!.body as { fields: string[] }).fields;
    expect(asked).toEqual(expect.arrayContaining(["summary", "status", "assignee", "description", "customfield_10016"]));
  });
});

describe("getLinkedIssues: the story points field", () => {
  it("asks for the field list once per run, however many calls", async () => {
    const jiraClient = await client({ issues: [readyIssue("CLOUD-1")] });
    await jiraClient.getLinkedIssues(["CLOUD-1"]);
    await jiraClient.getLinkedIssues(["CLOUD-1"]);
    expect(jira.count("GET", FIELDS)).toBe(1);
    expect(jira.count("POST", BULK)).toBe(2);
  });

  it("uses jira.storyPointsField given as an id without asking for the field list", async () => {
    const jiraClient = await client({ issues: [readyIssue("CLOUD-1")], pointsField: "customfield_12345" }, "customfield_12345");
    expect((await jiraClient.getLinkedIssues(["CLOUD-1"])).get("CLOUD-1")?.points).toBe(3);
    expect(jira.count("GET", FIELDS)).toBe(0);
  });

  it("finds jira.storyPointsField given as a name", async () => {
    const fields = [...DEFAULT_FIELDS, { id: "customfield_10300", name: "Effort", custom: "com.atlassian.jira.plugin.system.customfieldtypes:float" }];
    const jiraClient = await client({ issues: [readyIssue("CLOUD-1")], fields, pointsField: "customfield_10300" }, "effort");
    expect((await jiraClient.getLinkedIssues(["CLOUD-1"])).get("CLOUD-1")?.points).toBe(3);
  });

  it("refuses a jira.storyPointsField name Jira does not have, suggesting the closest (exit 2)", async () => {
    const jiraClient = await client({ issues: [readyIssue("CLOUD-1")] }, "Story point estimat");
    const error = await jiraClient.getLinkedIssues(["CLOUD-1"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    expect((error as UsageError).message).toMatch(/names no field .*did you mean 'Story point estimate'/);
  });

  it("finds the older 'Story Points' number field by name, and takes whichever candidate has a value", async () => {
    const fields = [
      { id: "customfield_10016", name: "Story point estimate", custom: "com.pyxis.greenhopper.jira:jsw-story-points" },
      { id: "customfield_10026", name: "Story Points", custom: "com.atlassian.jira.plugin.system.customfieldtypes:float" },
    ];
    const jiraClient = await client({
      fields,
      issues: [
        fakeIssue("CLOUD-1", "new field", { points: 5 }),
        fakeIssue("CLOUD-2", "old field", { points: null, extraFields: { customfield_10026: 8 } }),
      ],
    });
    const facts = await jiraClient.getLinkedIssues(["CLOUD-1", "CLOUD-2"]);
    expect(facts.get("CLOUD-1")?.points).toBe(5);
    expect(facts.get("CLOUD-2")?.points).toBe(8);
  });

  it("is exit 2 saying to set jira.storyPointsField when Jira has no story points field", async () => {
    const jiraClient = await client({ issues: [readyIssue("CLOUD-1")], fields: [{ id: "summary", name: "Summary", type: "string" }] });
    const error = await jiraClient.getLinkedIssues(["CLOUD-1"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).hint).toMatch(/jira\.storyPointsField/);
  });
});

describe("myOpenIssues", () => {
  it("asks search/jql for the user's open issues and returns them newest first", async () => {
    const jiraClient = await client({
      issues: [
        fakeIssue("CLOUD-1", "Old", { assignee: "Alice Example", updated: "2026-01-01T00:00:00.000+0000" }),
        fakeIssue("CLOUD-2", "New", { assignee: "Alice Example", updated: "2026-02-01T00:00:00.000+0000", type: "Bug" }),
        fakeIssue("CLOUD-3", "Done", { assignee: "Alice Example", category: "done" }),
      ],
    });
    expect(await jiraClient.myOpenIssues()).toEqual([
      { key: "CLOUD-2", summary: "New", type: "Bug" },
      { key: "CLOUD-1", summary: "Old", type: "Story" },
    ]);
    expect(jira.requests).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/rest/api/3/search/jql",
        body: expect.objectContaining({ jql: "assignee = currentUser() AND statusCategory != Done ORDER BY updated DESC" }),
      }),
    ]);
  });
});

describe("the loopback Jira itself", () => {
  it("fails verify() on a request it does not expect", async () => {
    const server = await startJiraServer();
    await fetch(`${server.url}/rest/api/3/project`, { headers: { authorization: "Basic x" } });
    expect(() => server.verify()).toThrow(/unexpected request: GET \/rest\/api\/3\/project/);
    await server.close();
  });

  it("fails verify() on a fault that was never used", async () => {
    const server = await startJiraServer({ faults: [{ status: 503 }] });
    expect(() => server.verify()).toThrow(/fault never used/);
    await server.close();
  });

  it("answers the description it was given", async () => {
    const server = await startJiraServer({ issues: [readyIssue("CLOUD-1")] });
    const answer = await fetch(`${server.url}/rest/api/3/issue/CLOUD-1?fields=description`, { headers: { authorization: `Basic ${Buffer.from(`${server.env.JIRA_EMAIL}:${server.env.JIRA_API_TOKEN}`).toString("base64")}` } });
    expect(await answer.json()).toMatchObject({ key: "CLOUD-1", fields: { description: READY_DESCRIPTION } });
    await server.stop();
  });
});
