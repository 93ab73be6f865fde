/**
 * What the Jira client reads for `cloud status update`, on both deployments: the Flagged field from the
 * same field list as story points, the status list, and status histories by key, bulk on Cloud without
 * a search when the ids are known, per issue on Data Center.
 */
import { describe, expect, it } from "vitest";
import { connectJira } from "../../src/trackers/jira/jira.js";
import { defaultConfig, type Config } from "../../src/config/schema.js";
import { fakeIssue, loopbackJira, type JiraServerOptions } from "../helpers/jira-server.js";

const startJira = loopbackJira();

async function client(options: JiraServerOptions = {}) {
  const jira = await startJira(options);
  const config: Config = { ...defaultConfig, jira: { ...defaultConfig.jira, deployment: jira.deployment } };
  return { jira, client: await connectJira({ env: jira.env, config }) };
}

const HISTORY = [
  { at: "2026-01-02T12:00:00Z", from: "To Do", to: "In Progress" },
  { at: "2026-01-05T12:00:00Z", from: "In Progress", to: "Done" },
];

describe.each(["cloud", "datacenter"] as const)("on %s", (deployment) => {
  const prefix = deployment === "cloud" ? "/rest/api/3" : "/rest/api/2";
  const credentials = deployment === "cloud" ? {} : { credentials: { bearer: "dc-personal-token-123" } };

  it("story points and Flagged come from one field list; statuses from one status list", async () => {
    const { jira, client: c } = await client({ deployment, ...credentials, statuses: [{ name: "Blocked", category: "new", id: "10100" }] });
    const [points, flagged, statuses, again] = await Promise.all([c.storyPointsFields(), c.flaggedField(), c.statuses(), c.statuses()]);
    expect(points).toEqual(["customfield_10016"]);
    expect(flagged).toBe("customfield_10021");
    expect(statuses).toContainEqual({ id: "10100", name: "Blocked", category: "new" });
    expect(statuses).toContainEqual({ id: "3", name: "In Progress", category: "indeterminate" });
    expect(again).toBe(statuses);
    expect(jira.count("GET", `${prefix}/field`)).toBe(1);
    expect(jira.count("GET", `${prefix}/status`)).toBe(1);
  });

  it("a site without a Flagged field: null", async () => {
    const { client: c } = await client({ deployment, ...credentials, fields: [{ id: "customfield_10016", name: "Story Points" }] });
    expect(await c.flaggedField()).toBeNull();
  });

  it("status histories, oldest first, with the statuses' names and ids", async () => {
    const { jira, client: c } = await client({ deployment, ...credentials, issues: [fakeIssue("CLOUD-1", "One", { history: HISTORY }), fakeIssue("CLOUD-2", "Two")] });
    const ids = new Map([
      ["CLOUD-1", "10001"],
      ["CLOUD-2", "10002"],
    ]);
    const changes = await c.statusChanges(["CLOUD-1", "CLOUD-2"], { ids });
    expect(changes.get("CLOUD-1")).toEqual([
      { at: "2026-01-02T12:00:00.000Z", from: "To Do", to: "In Progress", fromId: "10000", toId: "3" },
      { at: "2026-01-05T12:00:00.000Z", from: "In Progress", to: "Done", fromId: "3", toId: "10001" },
    ]);
    expect(changes.get("CLOUD-2")).toEqual([]);
    if (deployment === "cloud") {
      // The ids were given: no search for them.
      expect(jira.calls()).toEqual(["POST /rest/api/3/changelog/bulkfetch"]);
    } else {
      expect(jira.calls().sort()).toEqual(["GET /rest/api/2/issue/CLOUD-1", "GET /rest/api/2/issue/CLOUD-2"]);
    }
  });

  if (deployment === "cloud") {
    it("without the ids, one search learns them first", async () => {
      const { jira, client: c } = await client({ deployment, issues: [fakeIssue("CLOUD-1", "One", { history: HISTORY })] });
      const changes = await c.statusChanges(["CLOUD-1"]);
      expect(changes.get("CLOUD-1")).toHaveLength(2);
      expect(jira.count("POST", "/rest/api/3/search/jql")).toBe(1);
      expect(jira.count("POST", "/rest/api/3/changelog/bulkfetch")).toBe(1);
    });
  }
});
