/**
 * Shared by the hardening suites (faults, secrets): a project whose gate asks both Jira and GitHub,
 * a loopback GitHub seeded for it and for `milestone report`, and stand-ins for a server that is gone
 * (connection refused) or never answers. Everything started here is closed after each test.
 */
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
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
 * is an id, so the one Jira request is POST /rest/api/3/issue/bulkfetch. With `only`, it links just
 * that service's issues, so the other service is never asked.
 */
export function gateProject(only?: "jira" | "github"): string {
  const example = copyExample();
  writeFileSync(
    path.join(example.root, "cloud.config.yaml"),
    "docs:\n  dir: projects\njira:\n  project: CLOUD\n  storyPointsField: customfield_10016\ngithub:\n  owner: acme\n  project: 7\n",
  );
  const jira = only !== "github";
  const github = only !== "jira";
  editFrontMatter(example.projectMd, (fm) => {
    fm.epic = jira ? "CLOUD-40" : null;
    fm.milestones = fm.milestones
      .slice(0, 2)
      .map((m: Record<string, unknown>, i: number) => ({
        ...m,
        issues: i === 0 ? [...(jira ? ["CLOUD-42"] : []), ...(github ? [GITHUB_REF] : [])] : jira ? ["CLOUD-43"] : [GITHUB_REF],
      }));
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

/**
 * A server on 127.0.0.1 that reads requests and never answers; counts them. `arrived`: the first came;
 * `abandoned`: the client closed the connection of one (it gave up on it: a timeout or a cancel).
 */
export async function startHangingServer(apiPath = ""): Promise<{ url: string; requests: () => number; arrived: Promise<void>; abandoned: Promise<void> }> {
  let count = 0;
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  let abandon!: () => void;
  const abandoned = new Promise<void>((resolve) => (abandon = resolve));
  let closing = false;
  const server = createServer((req) => {
    count++;
    arrive();
    req.socket.on("close", () => void (closing || abandon()));
  });
  await listen(server);
  closers.push(() => {
    closing = true;
    return close(server);
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${apiPath}`, requests: () => count, arrived, abandoned };
}

/** A server on 127.0.0.1 that answers every request with `handle`; counts them. */
export async function startStandIn(handle: (req: IncomingMessage, res: ServerResponse) => unknown): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    req.resume();
    void handle(req, res);
  });
  await listen(server);
  closers.push(() => close(server));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count };
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
