/** Narrow Jira client. (Implemented with the Jira issue.) */
import type { Config } from "../../config/schema.js";
import type { Env } from "../../io/streams.js";
import type { LinkedIssue } from "../../core/linked.js";
import { UsageError } from "../../errors.js";

export interface JiraIssueSummary {
  key: string;
  summary: string;
  /** Issue type name, e.g. "Story". */
  type: string;
}

export interface JiraClient {
  readonly host: string;
  getIssue(key: string): Promise<JiraIssueSummary>;
  /** Facts for the gates, keyed by issue key; missing issues have found: false. */
  getLinkedIssues(keys: readonly string[]): Promise<Map<string, LinkedIssue>>;
  /** Open issues assigned to the current user, most recently updated first. */
  myOpenIssues(): Promise<JiraIssueSummary[]>;
}

export interface ConnectJiraOptions {
  env: Env;
  config: Config;
}

export async function connectJira(_options: ConnectJiraOptions): Promise<JiraClient> {
  throw new UsageError("Jira is not available yet.");
}
