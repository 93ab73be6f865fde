/**
 * Everything the status update reads, at once: my Jira issues, my pull requests on GitHub, and the
 * current git branch. Jira and GitHub are asked at the same time, and the first to fail stops the
 * other. A tracker that is not set up is left out (the caller says so on stderr); neither is exit 2.
 */
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { currentBranch } from "../git/branches.js";
import type { MergedPullRequest, OpenPullRequest } from "../trackers/github/pull-requests.js";
import type { Tracker } from "../trackers/tracker.js";
import { fetchMyIssues, type MyIssues } from "./my-issues.js";

export interface Gathered {
  jira: MyIssues | null;
  github: { login: string; open: OpenPullRequest[]; merged: MergedPullRequest[] } | null;
  branch: string | null;
  /** The trackers left out, each with why. */
  leftOut: { name: string; error: UsageError }[];
}

/** A tracker's client, or the reason it is not set up. */
async function connect<T extends Tracker>(make: () => Promise<T>): Promise<T | UsageError> {
  try {
    return await make();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
}

export async function gatherStatus(ctx: Context, since: Date): Promise<Gathered> {
  const [jira, github] = await Promise.all([connect(ctx.jira), connect(ctx.github)]);
  const leftOut = [
    ...(jira instanceof UsageError ? [{ name: "Jira", error: jira }] : []),
    ...(github instanceof UsageError ? [{ name: "GitHub", error: github }] : []),
  ];
  if (jira instanceof UsageError && github instanceof UsageError) {
    throw new UsageError(`neither Jira nor GitHub is set up (${jira.message}; ${github.message})`, {
      hint: "Set JIRA_HOST with JIRA_EMAIL and JIRA_API_TOKEN for Jira, or GH_TOKEN for GitHub, or both.",
    });
  }

  // The first failure stops the other tracker's requests and waits; Ctrl-C stops both.
  const failed = new AbortController();
  const signal = AbortSignal.any([ctx.signal, failed.signal]);
  const firstFailureStops = <T>(work: Promise<T>) =>
    work.catch((error: unknown) => {
      failed.abort(error);
      throw error;
    });
  const notice = (message: string) => {
    if (ctx.io.stderrIsTTY || ctx.debug) ctx.io.stderr.write(`${message}\n`);
  };

  const [issues, pullRequests, branch] = await Promise.all([
    jira instanceof UsageError ? null : firstFailureStops(fetchMyIssues(jira, since, signal)),
    github instanceof UsageError
      ? null
      : firstFailureStops(
          (async () => {
            const options = { signal, onWait: notice };
            const { login, open } = await github.viewerPullRequests(options);
            const merged = await github.mergedPullRequests({ author: login, since }, options);
            return { login, open, merged };
          })(),
        ),
    branchName(ctx),
  ]);
  return { jira: issues, github: pullRequests, branch, leftOut };
}

/** The checked-out branch; none outside a repository, on a detached HEAD, or without git. */
async function branchName(ctx: Context): Promise<string | null> {
  try {
    return await currentBranch(await ctx.git());
  } catch (error) {
    if (error instanceof UsageError) return null;
    throw error;
  }
}
