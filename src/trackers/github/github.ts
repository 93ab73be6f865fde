/**
 * Narrow GitHub client: what the tool asks GitHub, as domain methods. Connecting resolves
 * the endpoint and the token (missing token: exit 2) before any request; @octokit/graphql is loaded
 * only then (see transport.ts).
 */
import type { Config } from "../../config/schema.js";
import type { LinkedIssue } from "../refs.js";
import type { Tracker } from "../tracker.js";
import type { Env } from "../../io/streams.js";
import type { RetryPolicy } from "../retry.js";
import { requestTimeoutMs } from "../timeout.js";
import { fetchLinkedIssues, type GitHubRef } from "./issue-lookup.js";
import { fetchProjectItems, type ProjectItems, type ProjectItemsOptions, type ProjectQuery } from "../../milestones/sources/github-project.js";
import { graphqlEndpoint, resolveToken } from "./github-token.js";
import { createTransport, type CallOptions } from "./graphql-transport.js";
import { fetchMergedPullRequests, fetchViewerPullRequests, type MergedPullRequest, type ViewerPullRequests } from "./pull-requests.js";

export type { GitHubRef } from "./issue-lookup.js";
export type { MergedPullRequest, OpenPullRequest, ReviewDecision, ViewerPullRequests } from "./pull-requests.js";
export type { ProjectField, ProjectItems, ProjectItemsOptions, ProjectQuery } from "../../milestones/sources/github-project.js";

export interface GitHubClient extends Tracker<"github"> {
  /** The GraphQL endpoint in use (GITHUB_GRAPHQL_URL or api.github.com). */
  readonly endpoint: URL;
  /** Facts for the gates, keyed by `owner/repo#number`; missing issues have found: false. */
  getLinkedIssues(refs: readonly GitHubRef[], options?: Pick<CallOptions, "signal" | "onWait">): Promise<Map<string, LinkedIssue>>;
  /** Every item of a ProjectV2 of an organization or a user, with the fields the milestone report reads. */
  getProjectItems(query: ProjectQuery, options?: ProjectItemsOptions): Promise<ProjectItems>;
  /** The token's user (`viewer`): their login and open pull requests, oldest first. */
  viewerPullRequests(options?: Pick<CallOptions, "signal" | "onWait">): Promise<ViewerPullRequests>;
  /** Pull requests by `author` merged at or after `since`, oldest first. */
  mergedPullRequests(query: { author: string; since: Date }, options?: Pick<CallOptions, "signal" | "onWait">): Promise<MergedPullRequest[]>;
}

export interface ConnectGitHubOptions {
  env: Env;
  config: Config;
  /** Per request attempt; CLOUD_HTTP_TIMEOUT_MS or 30 s by default. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Told the token once it is known, so that output can be kept free of it. */
  onToken?: (token: string) => void;
}

export async function connectGitHub(options: ConnectGitHubOptions): Promise<GitHubClient> {
  const endpoint = graphqlEndpoint(options.env);
  const token = await resolveToken(options.env, endpoint);
  options.onToken?.(token.value);
  const transport = await createTransport({
    endpoint,
    token,
    timeoutMs: options.timeoutMs ?? requestTimeoutMs(options.env),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  return {
    kind: "github",
    name: "GitHub",
    endpoint,
    lookup: (refs, callOptions) => fetchLinkedIssues(transport, refs, callOptions),
    getLinkedIssues: (refs, callOptions) => fetchLinkedIssues(transport, refs, callOptions),
    getProjectItems: (query, callOptions) => fetchProjectItems(transport, query, callOptions),
    viewerPullRequests: (callOptions) => fetchViewerPullRequests(transport, callOptions),
    mergedPullRequests: (query, callOptions) => fetchMergedPullRequests(transport, query, callOptions),
  };
}
