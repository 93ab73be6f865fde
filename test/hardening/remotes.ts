/**
 * Shared by the hardening suites (faults, secrets): a project whose gate asks both Jira and GitHub,
 * a loopback GitHub seeded for it and for `milestone report`, and stand-ins for a server that is gone
 * (connection refused) or never answers. Everything started here is closed after each test.
 */
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach } from "vitest";
import { startGitHubServer, type GitHubServer, type StartOptions } from "../helpers/github-server.js";
import { readyIssue, type FakeIssue } from "../helpers/jira-server.js";
import { copyExample, editFrontMatter } from "../spine/support.js";

/** The Jira issues the gate project links (epic, then milestone issues), all ready. */
export const READY_JIRA_ISSUES: FakeIssue[] = ["CLOUD-40", "CLOUD-42", "CLOUD-43"].map((key) => readyIssue(key));
/** The GitHub issue it links. */
export const GITHUB_REF = "acme/api#1";

export const BULK = "/rest/api/3/issue/bulkfetch";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/**
 * A copy of the example project linking CLOUD-40 (epic), CLOUD-42, CLOUD-43 and acme/api#1, whose
 * other DoR criteria are met: with both services answering, `dor check` passes. jira.storyPointsField
 * is an id, so the one Jira request is POST /rest/api/3/issue/bulkfetch.
 */
export function gateProject(): string {
  const example = copyExample();
  writeFileSync(
    path.join(example.root, "cloud.config.yaml"),
    "docs:\n  dir: projects\njira:\n  project: CLOUD\n  storyPointsField: customfield_10016\ngithub:\n  owner: acme\n  project: 7\n",
  );
  editFrontMatter(example.projectMd, (fm) => {
    fm.epic = "CLOUD-40";
    fm.milestones = fm.milestones
      .slice(0, 2)
      .map((m: Record<string, unknown>, i: number) => ({ ...m, issues: i === 0 ? ["CLOUD-42", GITHUB_REF] : ["CLOUD-43"] }));
    fm.future_work = [];
  });
  return example.root;
}

/** A loopback GitHub holding acme/api#1 (ready) and project 7 of acme with it as an item. */
export async function startGitHub(options: StartOptions = {}): Promise<GitHubServer> {
  const gh = await startGitHubServer(options);
  closers.push(() => gh.close());
  const acme = gh.organization("acme");
  const issue = acme.repository("api").issue({ number: 1, title: "Ready", body: "## Acceptance criteria\n\n- it works\n", assignees: ["bob"] });
  acme.project({ number: 7, title: "Cloud" }).addItem({ content: issue, values: { Status: "Done", Estimate: 3, Milestone: { title: "M1", dueOn: "2026-12-15" } } });
  return gh;
}

/** A server on 127.0.0.1 that reads requests and never answers; counts them. */
export async function startHangingServer(apiPath = ""): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const server = createServer(() => void count++);
  await listen(server);
  closers.push(() => close(server));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${apiPath}`, requests: () => count };
}

/** The URL of a port that was just listening and is now closed: connecting is refused. */
export async function closedPortUrl(apiPath = ""): Promise<string> {
  const server = createServer();
  await listen(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${apiPath}`;
  await close(server);
  return url;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
