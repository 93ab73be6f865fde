/**
 * The viewer's pull requests for `cloud status update`: the open ones with what the rules read, paged
 * to the end; those merged since an instant, through a search cut at that instant.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connectGitHub, type GitHubClient } from "../../src/trackers/github/github.js";
import { defaultConfig } from "../../src/config/schema.js";
import { startGitHubServer, type GitHubServer } from "../helpers/github-server.js";

let gh: GitHubServer;
let client: GitHubClient;

beforeAll(async () => {
  gh = await startGitHubServer({ viewer: "alice" });
  const api = gh.organization("acme").repository("api");
  api.pullRequest({ number: 1, title: "Draft", draft: true, createdAt: "2026-01-01T09:00:00Z" });
  api.pullRequest({
    number: 2,
    title: "Reviewed",
    createdAt: "2026-01-02T09:00:00Z",
    reviewRequestedAt: ["2026-01-03T09:00:00Z", "2026-01-05T09:00:00Z"],
    reviews: [{ author: "bob", state: "APPROVED", submittedAt: "2026-01-05T10:00:00Z" }, { author: "carol", state: "PENDING" }],
  });
  api.pullRequest({ number: 3, title: "Pending only", createdAt: "2026-01-03T09:00:00Z", reviews: [{ author: "carol", state: "PENDING" }] });
  api.pullRequest({ number: 4, title: "Merged Monday night", mergedAt: "2026-01-05T23:30:00Z" });
  api.pullRequest({ number: 5, title: "Merged Tuesday", mergedAt: "2026-01-06T08:00:00Z" });
  api.pullRequest({ number: 6, title: "Bob's", author: "bob" });
  const many = gh.organization("big").repository("mono");
  for (let n = 1; n <= 150; n++) many.pullRequest({ number: n, createdAt: `2025-12-01T${String(n % 24).padStart(2, "0")}:00:00Z` });
  client = await connectGitHub({ env: gh.env(), config: defaultConfig });
});
afterAll(async () => {
  await gh.close();
});

describe("viewerPullRequests", () => {
  test("the login and every open pull request, oldest first, 100 a page", async () => {
    gh.requests.splice(0);
    const { login, open } = await client.viewerPullRequests();
    expect(login).toBe("alice");
    expect(open).toHaveLength(153);
    expect(gh.requests.map((r) => r.operationName)).toEqual(["ViewerPullRequests", "ViewerPullRequests"]);
    expect(open.slice(-3)).toEqual([
      { ref: "acme/api#1", title: "Draft", url: "https://github.com/acme/api/pull/1", draft: true, createdAt: "2026-01-01T09:00:00Z", reviewRequestedAt: null, reviews: 0, reviewDecision: null },
      {
        ref: "acme/api#2",
        title: "Reviewed",
        url: "https://github.com/acme/api/pull/2",
        draft: false,
        createdAt: "2026-01-02T09:00:00Z",
        // The first request: the wait for a review started there.
        reviewRequestedAt: "2026-01-03T09:00:00Z",
        reviews: 1,
        reviewDecision: "APPROVED",
      },
      // A pending review is the reviewer's unsent draft: no review yet.
      expect.objectContaining({ ref: "acme/api#3", reviews: 0 }),
    ]);
  });
});

describe("mergedPullRequests", () => {
  test("asks from the UTC day of the instant and cuts the answer at the instant itself", async () => {
    gh.requests.splice(0);
    // Tuesday 00:00 at UTC+1 is Monday 23:00 UTC.
    const merged = await client.mergedPullRequests({ author: "alice", since: new Date("2026-01-05T23:00:00Z") });
    expect(gh.requests.map((r) => r.variables)).toEqual([{ search: "is:pr is:merged author:alice merged:>=2026-01-05", after: null }]);
    expect(merged.map((pr) => [pr.ref, pr.mergedAt])).toEqual([
      ["acme/api#4", "2026-01-05T23:30:00Z"],
      ["acme/api#5", "2026-01-06T08:00:00Z"],
    ]);
    const later = await client.mergedPullRequests({ author: "alice", since: new Date("2026-01-06T00:00:00Z") });
    expect(later.map((pr) => pr.ref)).toEqual(["acme/api#5"]);
  });
});
