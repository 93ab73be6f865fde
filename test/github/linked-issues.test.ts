/**
 * Linked GitHub issues for the gates: batched, aliased lookups; what is found, assigned, specified
 * and done; missing repositories and issues are found: false without failing the batch.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connectGitHub, type GitHubClient, type GitHubRef } from "../../src/trackers/github/github.js";
import { defaultConfig } from "../../src/config/schema.js";
import { parseIssueRef } from "../../src/trackers/refs.js";
import { startGitHubServer, type GitHubServer } from "../helpers/github-server.js";

let gh: GitHubServer;
let client: GitHubClient;

const AC = "Context.\n\n## Acceptance criteria\n\n- [ ] it works\n";

beforeAll(async () => {
  gh = await startGitHubServer();
  const api = gh.organization("acme").repository("api");
  api.issue({ number: 1, title: "Ready", body: AC, assignees: ["bob", "carol"] });
  api.issue({ number: 2, title: "No AC, nobody", body: "Just a description." });
  api.issue({ number: 3, title: "Done", state: "closed", stateReason: "COMPLETED", body: AC, assignees: ["dan"] });
  api.issue({ number: 4, title: "Won't do", state: "closed", stateReason: "NOT_PLANNED" });
  api.issue({ number: 5, title: "Guidance only", body: "## Acceptance criteria\n<!-- fill me in -->\n\n## Notes\ntext" });
  api.issue({ number: 6, title: "Closed before state reasons", state: "closed", stateReason: null });
  api.pullRequest({ number: 10, title: "Merged", state: "merged", assignees: ["erin"] });
  api.pullRequest({ number: 11, title: "Closed unmerged", state: "closed" });
  api.pullRequest({ number: 12, title: "Open", state: "open" });
  gh.user("alice").repository("dotfiles").issue({ number: 7, body: "**Acceptance criteria**\nIt is tidy." });
  const many = gh.organization("big").repository("mono");
  for (let n = 1; n <= 130; n++) many.issue({ number: n, assignees: n % 2 ? ["x"] : [] });
  client = await connectGitHub({ env: gh.env(), config: defaultConfig });
});
afterAll(async () => {
  await gh.close();
});

function refs(...texts: string[]): GitHubRef[] {
  return texts.map((t) => {
    const ref = parseIssueRef(t);
    if (ref?.kind !== "github") throw new Error(`not a GitHub reference: ${t}`);
    return ref;
  });
}

describe("getLinkedIssues", () => {
  test("found, assignee, acceptance criteria and done, for issues and pull requests", async () => {
    const result = await client.getLinkedIssues(
      refs("acme/api#1", "acme/api#2", "acme/api#3", "acme/api#4", "acme/api#5", "acme/api#6", "acme/api#10", "acme/api#11", "acme/api#12", "alice/dotfiles#7"),
    );
    const pick = (ref: string) => {
      const issue = result.get(ref)!;
      return [issue.found, issue.assignee, issue.acceptanceCriteria, issue.done, issue.state];
    };
    expect(pick("acme/api#1")).toEqual([true, "bob", true, false, "open"]);
    expect(pick("acme/api#2")).toEqual([true, null, false, false, "open"]);
    expect(pick("acme/api#3")).toEqual([true, "dan", true, true, "closed"]);
    expect(pick("acme/api#4")).toEqual([true, null, false, false, "closed as not planned"]);
    expect(pick("acme/api#5")).toEqual([true, null, false, false, "open"]);
    expect(pick("acme/api#6")).toEqual([true, null, false, true, "closed"]);
    expect(pick("acme/api#10")).toEqual([true, "erin", false, true, "merged"]);
    expect(pick("acme/api#11")).toEqual([true, null, false, false, "closed"]);
    expect(pick("acme/api#12")).toEqual([true, null, false, false, "open"]);
    expect(pick("alice/dotfiles#7")).toEqual([true, null, true, false, "open"]);
    expect(result.get("acme/api#1")).toEqual({
      ref: "acme/api#1",
      found: true,
      url: "https://github.com/acme/api/issues/1",
      title: "Ready",
      assignee: "bob",
      described: true,
      acceptanceCriteria: true,
      done: false,
      state: "open",
    });
    // GitHub has no estimate of its own.
    expect("points" in result.get("acme/api#1")!).toBe(false);
  });

  test("a missing issue and a missing repository are found: false, and the rest of the batch still answers", async () => {
    const result = await client.getLinkedIssues(refs("acme/api#999", "acme/nope#1", "nobody/x#1", "acme/api#1"));
    expect(result.get("acme/api#999")).toEqual({ ref: "acme/api#999", found: false, assignee: null, described: false, acceptanceCriteria: false, done: false });
    expect(result.get("acme/nope#1")!.found).toBe(false);
    expect(result.get("nobody/x#1")!.found).toBe(false);
    expect(result.get("acme/api#1")!.found).toBe(true);
  });

  test("130 references cost 3 requests of at most 50 lookups, sent in parallel; duplicates asked once", async () => {
    const before = gh.requests.length;
    const texts = Array.from({ length: 130 }, (_, i) => `big/mono#${i + 1}`);
    // The three answers are held until all three wait: only a client with them out at once gets any.
    const together = gh.barrier(3);
    const result = await client.getLinkedIssues(refs(...texts, "big/mono#1", "big/mono#2"));
    expect(await together).toBe("filled");
    const made = gh.requests.slice(before);
    expect(made).toHaveLength(3);
    expect(made.every((r) => r.operationName === "LinkedIssues")).toBe(true);
    expect(made.map((r) => Object.keys(r.variables).length / 3).sort((a, b) => a - b)).toEqual([30, 50, 50]);
    expect(result.size).toBe(130);
    expect(result.get("big/mono#1")!.assignee).toBe("x");
    expect(result.get("big/mono#2")!.assignee).toBeNull();
  });

  test("no references, no request", async () => {
    const before = gh.requests.length;
    expect((await client.getLinkedIssues([])).size).toBe(0);
    expect(gh.requests.length).toBe(before);
  });
});
