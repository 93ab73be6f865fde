/**
 * The loopback Jira itself, through the clients the CLI uses (jira.js Version3Client for Cloud,
 * Version2Client for Data Center) and plain fetch: both deployments, paging, JQL, changelogs, barriers
 * and the bookkeeping that fails a test on a request it did not expect.
 */
import { Version2Client } from "jira.js/version2";
import { Version3Client, type Version3Models } from "jira.js/version3";
import { describe, expect, it, vi } from "vitest";
import {
  fakeIssue,
  fakeVersion,
  loopbackJira,
  READY_DESCRIPTION,
  startJiraServer,
  TEST_CREDENTIALS,
  type FakeIssue,
  type JiraServer,
  type JiraServerOptions,
} from "../helpers/jira-server.js";
import { parseJql } from "../helpers/jql.js";

const startJira = loopbackJira();
const PAT = "dc-personal-access-token-0123";
const basic = { basic: { email: TEST_CREDENTIALS.email, apiToken: TEST_CREDENTIALS.apiToken } };

const cloud = (jira: JiraServer) => new Version3Client({ host: jira.url, authentication: basic });
const dataCenter = (jira: JiraServer, token = PAT) => new Version2Client({ host: jira.url, authentication: { oauth2: { accessToken: token } } });
const startDc = (options: JiraServerOptions = {}) => startJira({ deployment: "datacenter", credentials: { bearer: PAT }, ...options });

/** The status and body of a request jira.js failed. */
async function failure(request: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  const error = (await request.then(
    () => expect.unreachable("the request succeeded"),
    (e: unknown) => e,
  )) as { status: number; response: { data: unknown } };
  return { status: error.status, data: error.response.data };
}

/** Cloud's search/jql answer: jira.js's model leaves out isLast, which Cloud sends. */
type CloudPage = Version3Models.SearchAndReconcileResults & { isLast?: boolean };

const keysOf = (answer: { issues?: { key?: string }[] }) => (answer.issues ?? []).map((i) => i.key);
const many = (n: number, project = "CLOUD") => Array.from({ length: n }, (_, i) => fakeIssue(`${project}-${i + 1}`, `Issue ${i + 1}`));

describe("serverInfo and myself", () => {
  it("Cloud answers /rest/api/2/serverInfo as Cloud and /myself with an accountId", async () => {
    const jira = await startJira();
    expect(await cloud(jira).serverInfo.getServerInfo()).toMatchObject({ deploymentType: "Cloud", baseUrl: jira.url });
    const info = await new Version2Client({ host: jira.url, authentication: basic }).serverInfo.getServerInfo();
    expect(info).toMatchObject({ deploymentType: "Cloud" });
    const me = await cloud(jira).myself.getCurrentUser();
    expect(me).toMatchObject({ accountId: "5b10a2844c20165700ede21g", displayName: "Alice Example", emailAddress: TEST_CREDENTIALS.email, active: true, timeZone: "UTC" });
    expect(me).not.toHaveProperty("name");
    expect(jira.calls()).toEqual(["GET /rest/api/3/serverInfo", "GET /rest/api/2/serverInfo", "GET /rest/api/3/myself"]);
  });

  it("Data Center answers serverInfo as DataCenter 9.12.0 and /myself with name and key, to a personal access token", async () => {
    const jira = await startDc({ myself: { displayName: "Dana Center", name: "dana", key: "JIRAUSER10100" } });
    expect(jira.env).toEqual({ JIRA_HOST: jira.url, JIRA_API_TOKEN: PAT, JIRA_AUTH_TYPE: "bearer" });
    expect(await dataCenter(jira).serverInfo.getServerInfo()).toEqual({
      baseUrl: jira.url,
      version: "9.12.0",
      versionNumbers: [9, 12, 0],
      deploymentType: "DataCenter",
      buildNumber: expect.any(Number),
      buildDate: expect.any(String),
      scmInfo: expect.any(String),
      serverTitle: "Jira",
    });
    const me = await dataCenter(jira).myself.getCurrentUser();
    expect(me).toMatchObject({ name: "dana", key: "JIRAUSER10100", displayName: "Dana Center", active: true, timeZone: "UTC" });
    expect(me).not.toHaveProperty("accountId");
    expect(jira.requests.every((r) => r.authorized)).toBe(true);
  });

  it("Data Center takes basic credentials too", async () => {
    const jira = await startJira({ deployment: "datacenter" });
    const me = await new Version2Client({ host: jira.url, authentication: basic }).myself.getCurrentUser();
    expect(me).toMatchObject({ displayName: "Alice Example" });
  });

  it("answers serverInfo without credentials, and 401 to a wrong token", async () => {
    const jira = await startDc();
    const anonymous = await fetch(`${jira.url}/rest/api/2/serverInfo`);
    expect(anonymous.status).toBe(200);
    expect(await failure(dataCenter(jira, "wrong").myself.getCurrentUser())).toMatchObject({ status: 401 });
    expect(await failure(dataCenter(jira, "wrong").serverInfo.getServerInfo())).toMatchObject({ status: 401 });
    expect(jira.requests.map((r) => [r.path, r.authorized, r.status])).toEqual([
      ["/rest/api/2/serverInfo", false, 200],
      ["/rest/api/2/myself", false, 401],
      ["/rest/api/2/serverInfo", false, 401],
    ]);
  });
});

describe("a Data Center server and REST v3", () => {
  it("answers /rest/api/3 with 404 and records it as unexpected", async () => {
    const jira = await startJiraServer({ deployment: "datacenter", credentials: { bearer: PAT } });
    const v3 = new Version3Client({ host: jira.url, authentication: { oauth2: { accessToken: PAT } } });
    expect(await failure(v3.myself.getCurrentUser())).toMatchObject({ status: 404 });
    expect(await failure(v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: "project = CLOUD" }))).toMatchObject({ status: 404 });
    expect(() => jira.verify()).toThrow(/unexpected request: GET \/rest\/api\/3\/myself\n.*unexpected request: POST \/rest\/api\/3\/search\/jql/);
    await jira.close();
  });

  it("does not record it when the test allows the probe", async () => {
    const jira = await startDc({ allowUnknownPaths: ["/rest/api/3/"] });
    const answer = await fetch(`${jira.url}/rest/api/3/serverInfo`);
    expect(answer.status).toBe(404);
    expect(jira.unexpected).toEqual([]);
  });

  it("Cloud does not serve the removed /rest/api/3/search: 410, unexpected", async () => {
    const jira = await startJiraServer();
    expect(await failure(cloud(jira).issueSearch.searchForIssuesUsingJql({ jql: "project = CLOUD" }))).toMatchObject({ status: 410 });
    expect(() => jira.verify()).toThrow(/GET \/rest\/api\/3\/search \(removed from Jira Cloud/);
    await jira.close();
  });
});

const RICH: FakeIssue[] = [
  fakeIssue("CLOUD-1", "Epic-ish story", { labels: ["grooming"], fixVersions: ["10100"], description: READY_DESCRIPTION, assignee: "Alice Example" }),
  fakeIssue("CLOUD-2", "Sub-task of it", {
    type: "Sub-task",
    parent: "CLOUD-1",
    status: "In Progress",
    flagged: true,
    created: "2026-01-02T09:00:00.000+0000",
    history: [
      { at: "2026-01-05T10:00:00.000Z", from: "To Do", to: "In Progress" },
      { at: "2026-01-06T10:00:00.000Z", from: "In Progress", to: "Blocked", by: "Bob Builder" },
      { at: "2026-01-07T10:00:00.000Z", from: "Blocked", to: "In Progress" },
    ],
  }),
];

describe("issues", () => {
  it("Cloud serves the fields in REST v3 shapes, and the changelog on expand", async () => {
    const jira = await startJira({ issues: RICH, versions: [fakeVersion("CLOUD", "10100", "M1", { releaseDate: "2026-03-01" })] });
    const issue = await cloud(jira).issues.getIssue({ issueIdOrKey: "CLOUD-2", expand: "changelog" });
    expect(issue).toMatchObject({ id: "10002", key: "CLOUD-2" });
    expect(issue.fields).toMatchObject({
      issuetype: { name: "Sub-task", subtask: true },
      status: { name: "In Progress", statusCategory: { key: "indeterminate", name: "In Progress" } },
      parent: { key: "CLOUD-1", fields: { summary: "Epic-ish story" } },
      project: { key: "CLOUD", id: "10000", name: "CLOUD" },
      customfield_10021: [{ value: "Impediment", id: "10019" }],
      created: "2026-01-02T09:00:00.000+0000",
      // the last change of category: To Do → In Progress on the 5th
      statuscategorychangedate: "2026-01-05T10:00:00.000+0000",
      resolution: null,
    });
    expect(issue.changelog).toMatchObject({ total: 3, histories: [{ created: "2026-01-05T10:00:00.000+0000", items: [{ field: "status", fieldId: "status", fromString: "To Do", toString: "In Progress" }] }, {}, {}] });
    expect(issue.changelog!.histories![1]).toMatchObject({ author: { displayName: "Bob Builder", accountId: "acc-BobBuilder" } });

    const first = await cloud(jira).issues.getIssue({ issueIdOrKey: "CLOUD-1", fields: ["description", "labels", "fixVersions", "customfield_10021"] });
    expect(first.fields).toEqual({
      description: READY_DESCRIPTION,
      labels: ["grooming"],
      fixVersions: [expect.objectContaining({ id: "10100", name: "M1", released: false, archived: false, releaseDate: "2026-03-01" })],
      customfield_10021: null,
    });
    expect(await failure(cloud(jira).issues.getIssue({ issueIdOrKey: "CLOUD-404" }))).toEqual({
      status: 404,
      data: { errorMessages: ["Issue does not exist or you do not have permission to see it."], errors: {} },
    });
  });

  it("Data Center serves wiki markup, users by name, and a changelog without field ids", async () => {
    const jira = await startDc({ issues: RICH, versions: [fakeVersion("CLOUD", "10100", "M1")] });
    const issue = await dataCenter(jira).issues.getIssue({ issueIdOrKey: "CLOUD-1", fields: ["description", "assignee"] });
    expect(issue.fields.description).toBe("Why we do this.\nh2. Acceptance criteria\n* It works\n* It is tested");
    expect(issue.fields.assignee).toMatchObject({ name: "alice", key: "JIRAUSER10000", displayName: "Alice Example" });
    expect(issue.fields.assignee).not.toHaveProperty("accountId");
    const withHistory = await dataCenter(jira).issues.getIssue({ issueIdOrKey: "CLOUD-2", expand: "changelog" });
    expect(withHistory.changelog).toMatchObject({ startAt: 0, total: 3, histories: [{ items: [{ field: "status", fieldtype: "jira", from: "10000", to: "3", toString: "In Progress" }] }, {}, {}] });
    expect(withHistory.changelog!.histories![0]!.items![0]).not.toHaveProperty("fieldId");
    expect(await failure(dataCenter(jira).issues.getIssue({ issueIdOrKey: "CLOUD-404" }))).toEqual({ status: 404, data: { errorMessages: ["Issue Does Not Exist"], errors: {} } });
    expect(jira.count("*", { prefix: "/rest/api/2/issue/" })).toBe(3);
  });

  it("lists the fields, with Flagged, and Story Points named as Data Center names it", async () => {
    const cloudJira = await startJira();
    const cloudFields = await cloud(cloudJira).issueFields.getFields();
    expect(cloudFields.find((f) => f.id === "customfield_10021")).toMatchObject({
      name: "Flagged",
      schema: { type: "array", items: "option", custom: "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes", customId: 10021 },
    });
    const dc = await startDc();
    const dcFields = await dataCenter(dc).issueFields.getFields();
    expect(dcFields.find((f) => f.id === "customfield_10016")).toMatchObject({ name: "Story Points" });
  });
});

describe("Cloud search/jql", () => {
  it("pages with nextPageToken to the end (POST and GET)", async () => {
    const jira = await startJira({ issues: many(5) });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearchPost<CloudPage>({ jql: "project = CLOUD ORDER BY key ASC", fields: ["summary"], maxResults: 2, nextPageToken: token });
      seen.push(...keysOf(page).map(String));
      expect(page.isLast).toBe(page.nextPageToken === undefined);
      token = page.nextPageToken;
    } while (token);
    expect(seen).toEqual(["CLOUD-1", "CLOUD-2", "CLOUD-3", "CLOUD-4", "CLOUD-5"]);
    expect(jira.count("POST", "/rest/api/3/search/jql")).toBe(3);

    const first = await cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: "project = CLOUD ORDER BY key DESC", fields: ["summary", "status"], maxResults: 3 });
    expect(keysOf(first)).toEqual(["CLOUD-5", "CLOUD-4", "CLOUD-3"]);
    expect(first.issues![0]!.fields).toEqual({ summary: "Issue 5", status: expect.objectContaining({ name: "To Do" }) });
    const rest = await cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearch<CloudPage>({ jql: "project = CLOUD ORDER BY key DESC", fields: ["summary"], nextPageToken: first.nextPageToken });
    expect(keysOf(rest)).toEqual(["CLOUD-2", "CLOUD-1"]);
    expect(rest).toMatchObject({ isLast: true });
    expect(jira.matching("GET", "/rest/api/3/search/jql")[0]!.query).toMatchObject({ fields: "summary,status", maxResults: "3" });
  });

  it("caps a page at 100 and sends only ids when no fields are asked for", async () => {
    const jira = await startJira({ issues: many(150) });
    const page = await cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearchPost<CloudPage>({ jql: "project = CLOUD", maxResults: 500 });
    expect(page.issues).toHaveLength(100);
    expect(page.issues![0]).toEqual({ id: "10001" });
    expect(page.isLast).toBe(false);
  });

  it("refuses unbounded JQL as Cloud does", async () => {
    const jira = await startJira({ issues: many(2), allowBadJql: true });
    expect(await failure(cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: "ORDER BY created DESC" }))).toEqual({
      status: 400,
      data: { errorMessages: ["Unbounded JQL queries are not allowed here. Please add a search restriction to your query."], errors: {} },
    });
  });

  it("answers a key that does not exist with a 400, as Jira does (not a problem of the test)", async () => {
    const jira = await startJira({ issues: many(2) });
    expect(await failure(cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: "key in (CLOUD-1, CLOUD-9)" }))).toEqual({
      status: 400,
      data: { errorMessages: ["An issue with key 'CLOUD-9' does not exist for field 'key'."], errors: {} },
    });
    expect(jira.unexpected).toEqual([]);
  });

  it("refuses a page token it never gave", async () => {
    const jira = await startJiraServer({ issues: many(2) });
    expect(await failure(cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: "project = CLOUD", nextPageToken: "made-up" }))).toMatchObject({ status: 400 });
    expect(() => jira.verify()).toThrow(/nextPageToken "made-up"/);
    await jira.close();
  });
});

describe("Data Center search", () => {
  it("pages with startAt to the end, with the total (GET and POST)", async () => {
    const jira = await startDc({ issues: many(5) });
    const seen: string[] = [];
    for (let startAt = 0; ; ) {
      const page = await dataCenter(jira).issueSearch.searchForIssuesUsingJql({ jql: "project = CLOUD ORDER BY key", startAt, maxResults: 2, fields: ["summary"] });
      expect(page).toMatchObject({ startAt, maxResults: 2, total: 5 });
      seen.push(...keysOf(page).map(String));
      startAt += page.issues!.length;
      if (startAt >= page.total!) break;
    }
    expect(seen).toEqual(["CLOUD-1", "CLOUD-2", "CLOUD-3", "CLOUD-4", "CLOUD-5"]);
    expect(jira.count("GET", "/rest/api/2/search")).toBe(3);
    const posted = await dataCenter(jira).issueSearch.searchForIssuesUsingJqlPost({ jql: "project = CLOUD ORDER BY key DESC", startAt: 4, maxResults: 2 });
    expect(posted).toMatchObject({ startAt: 4, maxResults: 2, total: 5 });
    expect(keysOf(posted)).toEqual(["CLOUD-1"]);
    // Without fields, Data Center sends every navigable field.
    expect(posted.issues![0]!.fields).toMatchObject({ summary: "Issue 1", status: { name: "To Do" } });
  });

  it("answers a request above the cap with maxResults 100", async () => {
    const jira = await startDc({ issues: many(120) });
    const page = await dataCenter(jira).issueSearch.searchForIssuesUsingJqlPost({ jql: "project = CLOUD", maxResults: 1000, fields: ["summary"] });
    expect(page).toMatchObject({ maxResults: 100, total: 120 });
    expect(page.issues).toHaveLength(100);
  });

  const MISSING = "key in (CLOUD-1, CLOUD-9, NOPE-1)";

  it("with validateQuery=warn, keys that do not exist are warnings", async () => {
    const jira = await startDc({ issues: many(2) });
    const page = await dataCenter(jira).issueSearch.searchForIssuesUsingJql({ jql: MISSING, validateQuery: "warn", fields: ["summary"] });
    expect(keysOf(page)).toEqual(["CLOUD-1"]);
    expect(page.warningMessages).toEqual(["An issue with key 'CLOUD-9' does not exist for field 'key'.", "The issue key 'NOPE-1' for field 'key' is invalid."]);
    expect(jira.matching("GET", "/rest/api/2/search")[0]!.query.validateQuery).toBe("warn");
    const posted = await dataCenter(jira).issueSearch.searchForIssuesUsingJqlPost({ jql: MISSING, validateQuery: "warn" });
    expect(posted.warningMessages).toHaveLength(2);
  });

  it("strict (the default) answers them with a 400; none says nothing", async () => {
    const jira = await startDc({ issues: many(2) });
    const expected = {
      status: 400,
      data: { errorMessages: ["An issue with key 'CLOUD-9' does not exist for field 'key'.", "The issue key 'NOPE-1' for field 'key' is invalid."], errors: {} },
    };
    expect(await failure(dataCenter(jira).issueSearch.searchForIssuesUsingJql({ jql: MISSING }))).toEqual(expected);
    expect(await failure(dataCenter(jira).issueSearch.searchForIssuesUsingJqlPost({ jql: MISSING, validateQuery: "strict" }))).toEqual(expected);
    const quiet = await dataCenter(jira).issueSearch.searchForIssuesUsingJql({ jql: MISSING, validateQuery: "none" });
    expect(keysOf(quiet)).toEqual(["CLOUD-1"]);
    expect(quiet).not.toHaveProperty("warningMessages");
    expect(jira.unexpected).toEqual([]);
  });

  it("has no bulkfetch: the path is not served", async () => {
    const jira = await startJiraServer({ deployment: "datacenter", credentials: { bearer: PAT } });
    expect(await failure(dataCenter(jira).issues.bulkFetchIssues({ issueIdsOrKeys: ["CLOUD-1"] }))).toMatchObject({ status: 404 });
    expect(jira.unexpected).toEqual(["POST /rest/api/2/issue/bulkfetch"]);
    await jira.close();
  });
});

describe("JQL", () => {
  const ISSUES: FakeIssue[] = [
    fakeIssue("CLOUD-1", "One", {
      labels: ["grooming"],
      fixVersions: ["10100"],
      assignee: "Alice Example",
      rank: 3,
      created: "2026-01-01T08:00:00.000+0000",
      updated: "2026-01-10T09:00:00.000+0000",
    }),
    fakeIssue("CLOUD-2", "Two", {
      status: "In Progress",
      labels: ["grooming", "backend"],
      fixVersions: ["10100", "10101"],
      assignee: "Bob Builder",
      flagged: true,
      rank: 1,
      created: "2026-01-02T08:00:00.000+0000",
      updated: "2026-01-12T15:30:00.000+0000",
    }),
    fakeIssue("CLOUD-3", "Three", {
      status: "Done",
      labels: ["backend"],
      fixVersions: ["10101"],
      assignee: "Alice Example",
      rank: 2,
      created: "2026-01-03T08:00:00.000+0000",
      updated: "2026-01-11T08:00:00.000+0000",
      resolutiondate: "2026-01-11T08:00:00.000+0000",
      statusCategoryChangedDate: "2026-01-11T08:00:00.000+0000",
    }),
    fakeIssue("CLOUD-4", "Four", {
      type: "Sub-task",
      parent: "CLOUD-2",
      status: "Blocked",
      rank: 0,
      created: "2026-01-04T08:00:00.000+0000",
      updated: "2026-01-09T12:00:00.000+0000",
    }),
    fakeIssue("OPS-1", "Ops", { type: "Bug", created: "2026-01-01T08:00:00.000+0000", updated: "2026-01-05T00:00:00.000+0000" }),
  ];
  const VERSIONS = [fakeVersion("CLOUD", "10100", "M1"), fakeVersion("CLOUD", "10101", "M2"), fakeVersion("OPS", "10200", "Ops 1")];
  const site = (options: JiraServerOptions = {}) => startJira({ issues: ISSUES, versions: VERSIONS, now: "2026-01-12T00:00:00.000Z", ...options });
  const search = async (jira: JiraServer, jql: string) => keysOf(await cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql, fields: ["summary"], maxResults: 100 }));

  it.each([
    ["project = CLOUD", ["CLOUD-1", "CLOUD-2", "CLOUD-3", "CLOUD-4"]],
    ["PROJECT in (ops)", ["OPS-1"]],
    ["project != CLOUD", ["OPS-1"]],
    ["project not in (CLOUD, OPS)", []],
    ["key = cloud-2", ["CLOUD-2"]],
    ["issuekey in (CLOUD-1, OPS-1)", ["CLOUD-1", "OPS-1"]],
    ["labels = grooming", ["CLOUD-1", "CLOUD-2"]],
    ["labels = 'grooming'", ["CLOUD-1", "CLOUD-2"]],
    // as in Jira, != and not in never match an issue without labels
    ["labels != grooming", ["CLOUD-3"]],
    ["labels not in (grooming)", ["CLOUD-3"]],
    ["labels in (backend)", ["CLOUD-2", "CLOUD-3"]],
    ["labels is EMPTY", ["CLOUD-4", "OPS-1"]],
    ["labels is not EMPTY", ["CLOUD-1", "CLOUD-2", "CLOUD-3"]],
    ['Status = "in progress"', ["CLOUD-2"]],
    ['status in ("To Do", Done)', ["CLOUD-1", "CLOUD-3", "OPS-1"]],
    ["status = Blocked", ["CLOUD-4"]],
    ['statusCategory = "In Progress"', ["CLOUD-2", "CLOUD-4"]],
    ["statusCategory != Done", ["CLOUD-1", "CLOUD-2", "CLOUD-4", "OPS-1"]],
    ["statusCategory = done", ["CLOUD-3"]],
    ["fixVersion = M1", ["CLOUD-1", "CLOUD-2"]],
    ["fixVersion = 10101", ["CLOUD-2", "CLOUD-3"]],
    ["fixVersion is EMPTY", ["CLOUD-4", "OPS-1"]],
    ["assignee = currentUser()", ["CLOUD-1", "CLOUD-3"]],
    ['assignee = "Bob Builder"', ["CLOUD-2"]],
    ["assignee = acc-BobBuilder", ["CLOUD-2"]],
    ["assignee != currentUser()", ["CLOUD-2"]],
    ['assignee in (currentUser(), "Bob Builder")', ["CLOUD-1", "CLOUD-2", "CLOUD-3"]],
    ["assignee is EMPTY", ["CLOUD-4", "OPS-1"]],
    ["resolution = Unresolved", ["CLOUD-1", "CLOUD-2", "CLOUD-4", "OPS-1"]],
    ["resolution = Done", ["CLOUD-3"]],
    ["resolution is not EMPTY", ["CLOUD-3"]],
    ['updated >= "2026-01-10"', ["CLOUD-1", "CLOUD-2", "CLOUD-3"]],
    ['updated > "2026-01-10 09:00"', ["CLOUD-2", "CLOUD-3"]],
    ["updated < 2026-01-09", ["OPS-1"]],
    ['updated <= "2026-01-09 12:00"', ["CLOUD-4", "OPS-1"]],
    ['updated = "2026-01-05"', ["OPS-1"]],
    ["updated >= -2d", ["CLOUD-1", "CLOUD-2", "CLOUD-3"]],
    ["created > 2026-01-02", ["CLOUD-2", "CLOUD-3", "CLOUD-4"]],
    ["resolved >= 2026-01-11", ["CLOUD-3"]],
    ["resolutiondate is EMPTY", ["CLOUD-1", "CLOUD-2", "CLOUD-4", "OPS-1"]],
    ['statusCategoryChangedDate >= "2026-01-11"', ["CLOUD-3"]],
    ["issuetype = Sub-task", ["CLOUD-4"]],
    ["type = Bug", ["OPS-1"]],
    ["issuetype in subTaskIssueTypes()", ["CLOUD-4"]],
    ["issuetype in standardIssueTypes() AND project = CLOUD", ["CLOUD-1", "CLOUD-2", "CLOUD-3"]],
    ["Flagged = Impediment", ["CLOUD-2"]],
    ["cf[10021] is not EMPTY", ["CLOUD-2"]],
    ['"Flagged" is EMPTY AND customfield_10021 is EMPTY AND project = CLOUD', ["CLOUD-1", "CLOUD-3", "CLOUD-4"]],
    ["parent = CLOUD-2", ["CLOUD-4"]],
    ["project = CLOUD AND (labels = backend OR status = Blocked)", ["CLOUD-2", "CLOUD-3", "CLOUD-4"]],
    ["project = CLOUD and labels = backend or project = OPS", ["CLOUD-2", "CLOUD-3", "OPS-1"]],
    ["NOT project = CLOUD", ["OPS-1"]],
    // NOT (labels = grooming) keeps the issues without labels, unlike labels != grooming
    ["project = CLOUD AND NOT labels = grooming", ["CLOUD-3", "CLOUD-4"]],
    ["project = CLOUD && !(labels = grooming || labels = backend)", ["CLOUD-4"]],
    ["project = CLOUD ORDER BY Rank ASC", ["CLOUD-4", "CLOUD-2", "CLOUD-3", "CLOUD-1"]],
    ["project = CLOUD ORDER BY rank DESC", ["CLOUD-1", "CLOUD-3", "CLOUD-2", "CLOUD-4"]],
    ["project in (CLOUD, OPS) ORDER BY updated DESC", ["CLOUD-2", "CLOUD-3", "CLOUD-1", "CLOUD-4", "OPS-1"]],
    ["project in (CLOUD, OPS) ORDER BY created ASC, key DESC", ["OPS-1", "CLOUD-1", "CLOUD-2", "CLOUD-3", "CLOUD-4"]],
    ["assignee = currentUser() AND statusCategory != Done ORDER BY updated DESC", ["CLOUD-1"]],
  ])("%s", async (jql, expected) => {
    const jira = await site();
    expect(await search(jira, jql)).toEqual(expected);
  });

  it("currentUser() is the user's name on Data Center", async () => {
    const jira = await site({ deployment: "datacenter" });
    const page = await new Version2Client({ host: jira.url, authentication: basic }).issueSearch.searchForIssuesUsingJql({ jql: "assignee = currentUser() ORDER BY key", fields: ["summary"] });
    expect(keysOf(page)).toEqual(["CLOUD-1", "CLOUD-3"]);
    const byName = await new Version2Client({ host: jira.url, authentication: basic }).issueSearch.searchForIssuesUsingJql({ jql: "assignee in (alice, bob.builder)" });
    expect(keysOf(byName)).toEqual(["CLOUD-1", "CLOUD-2", "CLOUD-3"]);
  });

  it.each([
    ["project = ", "Error in the JQL Query: Expecting either a value, list or function but got the end of the query. (line 1, character 11)"],
    ["project = CLOUD AND", "Error in the JQL Query: Expecting a field name but got the end of the query. (line 1, character 20)"],
    ["project CLOUD", "Error in the JQL Query: Expecting an operator but got 'CLOUD'. (line 1, character 9)"],
    ["project = CLOUD labels = x", "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'labels'. (line 1, character 17)"],
    ["project in CLOUD", "Error in the JQL Query: Expecting a list or function but got 'CLOUD'. (line 1, character 12)"],
    ['labels = "open', "Error in the JQL Query: The quoted string 'open' has not been completed. (line 1, character 10)"],
    ["(project = CLOUD", "Error in the JQL Query: Expecting ')' but got the end of the query. (line 1, character 17)"],
    ["project = CLOUD ORDER rank", "Error in the JQL Query: Expecting 'by' but got 'rank'. (line 1, character 23)"],
    ["sprint = 1", "Field 'sprint' does not exist or you do not have permission to view it."],
    ["labels > x", "The operator '>' is not supported by the 'labels' field."],
    ["labels = currentUser()", "Function 'currentUser' is not supported for the field 'labels'."],
    ["assignee = whoever()", "Unable to find JQL function 'whoever()'."],
    ['updated > "yesterday"', expect.stringMatching(/^Date value 'yesterday' for field 'updated' is invalid/)],
    ["project = CLOUD ORDER BY labels", "Not able to sort using field 'labels'."],
    ["project = CLOUD ORDER BY votes", "Field 'votes' does not exist or you do not have permission to view it."],
  ])("%s is answered 400: %s", async (jql, message) => {
    const jira = await site({ allowBadJql: true });
    expect(await failure(cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql }))).toEqual({ status: 400, data: { errorMessages: [message], errors: {} } });
  });

  it("values that name nothing are Jira's 400, not a broken test", async () => {
    const jira = await site();
    expect(await failure(cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: "project = NOPE OR status = Nope OR fixVersion = M9 OR Flagged = Yes" }))).toEqual({
      status: 400,
      data: {
        errorMessages: [
          "The value 'NOPE' does not exist for the field 'project'.",
          "The value 'Nope' does not exist for the field 'status'.",
          "The value 'M9' does not exist for the field 'fixVersion'.",
          "The option 'Yes' for field 'Flagged' does not exist.",
        ],
        errors: {},
      },
    });
    expect(jira.unexpected).toEqual([]);
  });

  it("a relative date needs the now option", async () => {
    const jira = await startJira({ issues: ISSUES, versions: VERSIONS, allowBadJql: true });
    expect(await failure(cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: "updated >= -1d" }))).toMatchObject({ status: 400 });
  });

  it("parses in one pass into a tree", () => {
    expect(parseJql("a = 1 AND (b in (x, 'y z') OR NOT c is EMPTY) ORDER BY rank, updated DESC")).toEqual({
      where: {
        kind: "and",
        items: [
          { kind: "clause", field: "a", operator: "=", operand: { kind: "value", text: "1" } },
          {
            kind: "or",
            items: [
              { kind: "clause", field: "b", operator: "in", operand: { kind: "list", items: [{ kind: "value", text: "x" }, { kind: "value", text: "y z" }] } },
              { kind: "not", item: { kind: "clause", field: "c", operator: "is", operand: { kind: "empty" } } },
            ],
          },
        ],
      },
      orderBy: [
        { field: "rank", descending: false },
        { field: "updated", descending: true },
      ],
    });
    // Long queries stay cheap: a thousand keys in one clause.
    const keys = Array.from({ length: 1000 }, (_, i) => `CLOUD-${i + 1}`).join(", ");
    expect(parseJql(`key in (${keys})`).where).toMatchObject({ operand: { kind: "list", items: expect.any(Array) } });
  });
});

describe("projects and versions", () => {
  const versions = Array.from({ length: 5 }, (_, i) =>
    fakeVersion("CLOUD", String(10_100 + i), `M${i + 1}`, { releaseDate: `2026-0${5 - i}-01`, released: i === 0, archived: i === 1 }),
  );

  it("serves a project by key or id, and 404 for one it does not have", async () => {
    const jira = await startJira({ projects: [{ key: "CLOUD", name: "Cloud Platform" }], issues: many(1, "OPS") });
    expect(await cloud(jira).projects.getProject("CLOUD")).toMatchObject({ id: "10000", key: "CLOUD", name: "Cloud Platform", projectTypeKey: "software", self: `${jira.url}/rest/api/3/project/10000` });
    expect(await cloud(jira).projects.getProject({ projectIdOrKey: "10001" })).toMatchObject({ key: "OPS", name: "OPS" });
    expect(await failure(cloud(jira).projects.getProject("NOPE"))).toEqual({ status: 404, data: { errorMessages: ["No project could be found with key 'NOPE'."], errors: {} } });
    const dc = await startDc({ projects: [{ key: "CLOUD", name: "Cloud Platform", id: "12000" }] });
    expect(await dataCenter(dc).projects.getProject("CLOUD")).toMatchObject({ id: "12000", key: "CLOUD", self: `${dc.url}/rest/api/2/project/12000` });
  });

  it("pages versions with startAt and maxResults to the end", async () => {
    const jira = await startJira({ versions });
    const names: string[] = [];
    let page;
    let startAt = 0;
    do {
      page = await cloud(jira).projectVersions.getProjectVersionsPaginated({ projectIdOrKey: "CLOUD", startAt, maxResults: 2 });
      expect(page).toMatchObject({ startAt, maxResults: 2, total: 5 });
      expect(page.nextPage === undefined).toBe(page.isLast);
      names.push(...page.values!.map((x) => x.name!));
      startAt += 2;
    } while (!page.isLast);
    expect(names).toEqual(["M1", "M2", "M3", "M4", "M5"]);
    expect(jira.count("GET", "/rest/api/3/project/CLOUD/version")).toBe(3);
    expect(jira.requests[0]!.query).toEqual({ startAt: "0", maxResults: "2" });
    expect((await cloud(jira).projectVersions.getProjectVersionsPaginated({ projectIdOrKey: "CLOUD", maxResults: 1 })).values![0]).toEqual({
      self: `${jira.url}/rest/api/3/version/10100`,
      id: "10100",
      name: "M1",
      archived: false,
      released: true,
      releaseDate: "2026-05-01",
      projectId: 10000,
    });
  });

  it("caps a page at 50, filters by status and orders by release date", async () => {
    const sixty = Array.from({ length: 60 }, (_, i) => fakeVersion("CLOUD", String(20_000 + i), `V${i}`));
    const jira = await startJira({ versions: [...versions, ...sixty] });
    const big = await cloud(jira).projectVersions.getProjectVersionsPaginated({ projectIdOrKey: "CLOUD", maxResults: 500 });
    expect(big).toMatchObject({ maxResults: 50, total: 65, isLast: false });
    expect(big.nextPage).toBe(`${jira.url}/rest/api/3/project/CLOUD/version?maxResults=50&startAt=50`);
    // jira.js sends startAt=false&maxResults=false… for a bare key; the defaults apply.
    expect(await cloud(jira).projectVersions.getProjectVersionsPaginated("CLOUD")).toMatchObject({ startAt: 0, maxResults: 50 });
    const unreleased = await cloud(jira).projectVersions.getProjectVersionsPaginated({ projectIdOrKey: "CLOUD", status: "unreleased", orderBy: "releaseDate", maxResults: 4 });
    expect(unreleased.values!.map((x) => x.name)).toEqual(["M5", "M4", "M3", "V0"]);
    const released = await cloud(jira).projectVersions.getProjectVersionsPaginated({ projectIdOrKey: "CLOUD", status: "released,archived" });
    expect(released.values!.map((x) => x.name)).toEqual(["M1", "M2"]);
    expect(await failure(cloud(jira).projectVersions.getProjectVersionsPaginated({ projectIdOrKey: "NOPE" }))).toMatchObject({ status: 404 });
  });

  it("Data Center serves the same page and the plain list", async () => {
    const jira = await startDc({ versions });
    const page = await dataCenter(jira).projectVersions.getProjectVersionsPaginated({ projectIdOrKey: "CLOUD", startAt: 4, maxResults: 2 });
    expect(page).toMatchObject({ startAt: 4, total: 5, isLast: true, values: [{ name: "M5", self: `${jira.url}/rest/api/2/version/10104` }] });
    const all = await dataCenter(jira).projectVersions.getProjectVersions("CLOUD");
    expect(all.map((x) => x.name)).toEqual(["M1", "M2", "M3", "M4", "M5"]);
    expect(jira.calls()).toEqual(["GET /rest/api/2/project/CLOUD/version", "GET /rest/api/2/project/CLOUD/versions"]);
  });
});

describe("changelog/bulkfetch (Cloud)", () => {
  const issues = [
    fakeIssue("CLOUD-1", "A", { history: [{ at: "2026-01-03T00:00:00Z", from: "To Do", to: "In Progress" }, { at: "2026-01-05T00:00:00Z", from: "In Progress", to: "Done" }] }),
    fakeIssue("CLOUD-2", "B", { history: [{ at: "2026-01-01T00:00:00Z", from: "To Do", to: "In Progress" }, { at: "2026-01-04T00:00:00Z", from: "In Progress", to: "To Do" }] }),
  ];

  it("pages the changes oldest first with nextPageToken, grouped by issue; created is epoch millis", async () => {
    const jira = await startJira({ issues });
    const pages: [string, [number, string][]][][] = [];
    let nextPageToken: string | undefined;
    do {
      const page = await cloud(jira).issues.getBulkChangelogs({ issueIdsOrKeys: ["CLOUD-1", "CLOUD-2"], fieldIds: ["status"], maxResults: 3, nextPageToken });
      pages.push((page.issueChangeLogs ?? []).map((log) => [log.issueId!, (log.changeHistories ?? []).map((h) => [h.created as unknown as number, h.items![0]!.toString!])]));
      nextPageToken = page.nextPageToken;
    } while (nextPageToken);
    const at = (day: number) => Date.parse(`2026-01-0${day}T00:00:00Z`);
    expect(pages).toEqual([
      [
        ["10002", [[at(1), "In Progress"], [at(4), "To Do"]]],
        ["10001", [[at(3), "In Progress"]]],
      ],
      [["10001", [[at(5), "Done"]]]],
    ]);
    expect(jira.count("POST", "/rest/api/3/changelog/bulkfetch")).toBe(2);
    expect(jira.requests[0]!.body).toEqual({ issueIdsOrKeys: ["CLOUD-1", "CLOUD-2"], fieldIds: ["status"], maxResults: 3 });
  });

  it("filters by field id", async () => {
    const jira = await startJira({ issues });
    expect(await cloud(jira).issues.getBulkChangelogs({ issueIdsOrKeys: ["CLOUD-1"], fieldIds: ["assignee"] })).toEqual({ issueChangeLogs: [] });
  });

  it("is not on Data Center, which has expand=changelog instead", async () => {
    const jira = await startJiraServer({ deployment: "datacenter", credentials: { bearer: PAT }, issues });
    const page = await dataCenter(jira).issueSearch.searchForIssuesUsingJql({ jql: "key = CLOUD-1", expand: "changelog", fields: ["status"] });
    expect(page.issues![0]!.changelog).toMatchObject({ total: 2, histories: [{ created: "2026-01-03T00:00:00.000+0000" }, { created: "2026-01-05T00:00:00.000+0000" }] });
    expect(await failure(dataCenter(jira).issues.getBulkChangelogs({ issueIdsOrKeys: ["CLOUD-1"] }))).toMatchObject({ status: 404 });
    expect(jira.unexpected).toEqual(["POST /rest/api/2/changelog/bulkfetch"]);
    await jira.close();
  });
});

describe("barriers: concurrency counted, never timed", () => {
  it("holds answers until n requests are in flight, then releases them all", async () => {
    const jira = await startJira({ issues: many(3) });
    const barrier = jira.barrier(3, { path: "/rest/api/3/search/jql" });
    const answered: string[] = [];
    const ask = (key: string) =>
      cloud(jira)
        .issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: `key = ${key}`, fields: ["summary"] })
        .then((page) => answered.push(String(keysOf(page)[0])));
    const first = [ask("CLOUD-1"), ask("CLOUD-2")];
    await vi.waitFor(() => expect(barrier.waiting).toBe(2));
    // Not held: other paths pass.
    await cloud(jira).myself.getCurrentUser();
    expect(answered).toEqual([]);
    await Promise.all([...first, ask("CLOUD-3")]);
    expect(await barrier.released).toBe("filled");
    expect(answered.sort()).toEqual(["CLOUD-1", "CLOUD-2", "CLOUD-3"]);
    expect(jira.maxInFlight("/rest/api/3/search/jql")).toBe(3);
    expect(jira.maxInFlight(/myself$/)).toBe(1);
    expect(jira.maxInFlight()).toBeGreaterThanOrEqual(3);
  });

  it("counts requests made one after another as one in flight", async () => {
    const jira = await startJira({ barriers: [{ n: 1, path: "/rest/api/3/myself" }] });
    for (let i = 0; i < 3; i++) await cloud(jira).myself.getCurrentUser();
    expect(jira.maxInFlight("/rest/api/3/myself")).toBe(1);
  });

  it("releases what it holds and fails verify() when n never arrive", async () => {
    const jira = await startJiraServer();
    const barrier = jira.barrier(2, { path: "/rest/api/3/myself", timeoutMs: 50 });
    await cloud(jira).myself.getCurrentUser();
    expect(await barrier.released).toBe("timeout");
    expect(() => jira.verify()).toThrow(/barrier\(2, any method \/rest\/api\/3\/myself\) released after 50 ms with only 1 of 2 requests in flight/);
    await jira.close();
  });

  it("fails verify() when no request ever reached it", async () => {
    const jira = await startJiraServer();
    jira.barrier(2, { method: "POST", path: /search/ });
    expect(() => jira.verify()).toThrow(/barrier\(2, POST \/search\/\) never used/);
    await jira.close();
  });
});

describe("verify() and counting", () => {
  it("fails on a request to a path it does not serve", async () => {
    const jira = await startJiraServer();
    await fetch(`${jira.url}/rest/api/3/project/CLOUD/components`, { headers: { authorization: "Basic x" } });
    expect(() => jira.verify()).toThrow(/unexpected request: GET \/rest\/api\/3\/project\/CLOUD\/components/);
    await jira.close();
  });

  it("fails on bad JQL unless the test sends it on purpose", async () => {
    const jira = await startJiraServer({ issues: many(1) });
    expect(await failure(cloud(jira).issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: "project = CLOUD AND" }))).toMatchObject({ status: 400 });
    expect(() => jira.verify()).toThrow(/unexpected request: JQL "project = CLOUD AND": Error in the JQL Query: Expecting a field name/);
    await jira.close();
  });

  it("counts by exact path, prefix, RegExp and any method", async () => {
    const jira = await startJira({ issues: many(2) });
    await cloud(jira).issues.getIssue({ issueIdOrKey: "CLOUD-1" });
    await cloud(jira).issues.getIssue({ issueIdOrKey: "CLOUD-2" });
    await cloud(jira).issues.bulkFetchIssues({ issueIdsOrKeys: ["CLOUD-1"] });
    expect(jira.count("GET", "/rest/api/3/issue/CLOUD-1")).toBe(1);
    expect(jira.count("GET", { prefix: "/rest/api/3/issue/" })).toBe(2);
    expect(jira.count("*", { prefix: "/rest/api/3/issue/" })).toBe(3);
    expect(jira.count("*", /^\/rest\/api\/3\/issue\/CLOUD-\d+$/)).toBe(2);
    expect(jira.count("POST", "/rest/api/3/issue/bulkfetch")).toBe(1);
    expect(jira.calls()).toEqual(["GET /rest/api/3/issue/CLOUD-1", "GET /rest/api/3/issue/CLOUD-2", "POST /rest/api/3/issue/bulkfetch"]);
    expect(jira.matching("*", /CLOUD-2/).map((r) => r.status)).toEqual([200]);
  });
});
