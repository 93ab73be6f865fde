/** Narrow GitHub client. (Implemented with the GitHub issue.) */
import type { Config } from "../../config/schema.js";
import type { Env } from "../../io/streams.js";
import type { IssueRef, LinkedIssue } from "../../core/linked.js";
import { UsageError } from "../../errors.js";

export interface GitHubClient {
  /** Facts for the gates, keyed by `owner/repo#number`; missing issues have found: false. */
  getLinkedIssues(refs: readonly Extract<IssueRef, { kind: "github" }>[]): Promise<Map<string, LinkedIssue>>;
}

export interface ConnectGitHubOptions {
  env: Env;
  config: Config;
}

export async function connectGitHub(_options: ConnectGitHubOptions): Promise<GitHubClient> {
  throw new UsageError("GitHub is not available yet.");
}
