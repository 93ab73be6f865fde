/** Ask Jira and GitHub, in parallel, about every issue the checked projects link to. */
import type { Context } from "../context.js";
import type { LinkedLookup } from "../gates/judge.js";
import type { IssueRef, LinkedIssue } from "./refs.js";
import { UsageError } from "../errors.js";

/** Missing credentials while checking: say that --offline is the other way out. */
function orOffline(error: unknown): never {
  if (error instanceof UsageError) {
    throw new UsageError(error.message, { hint: `${error.hint ? `${error.hint.replace(/\.$/, "")}, or` : "Or"} pass --offline to skip the linked issues.`, cause: error });
  }
  throw error;
}

export async function fetchLinkedIssues(ctx: Context, refs: readonly IssueRef[], options: { offline: boolean }): Promise<LinkedLookup> {
  const facts = new Map<string, LinkedIssue>();
  if (!options.offline && refs.length > 0) {
    const jiraKeys = [...new Set(refs.filter((r) => r.kind === "jira").map((r) => r.text))];
    const githubRefs = dedupe(refs.filter((r): r is Extract<IssueRef, { kind: "github" }> => r.kind === "github"));
    // When one side fails, the check has failed: stop the other side's requests and retry waits, or
    // the process would stay alive until they end (a silent GitHub holds it for its whole timeout).
    // The Jira client cannot be cancelled; its own timeout bounds it.
    const failed = new AbortController();
    const signal = AbortSignal.any([ctx.signal, failed.signal]);
    const stopOthers = (error: unknown): never => {
      failed.abort();
      throw error;
    };
    const [fromJira, fromGitHub] = await Promise.all([
      jiraKeys.length > 0 ? ctx.jira().catch(orOffline).then((jira) => jira.getLinkedIssues(jiraKeys)).catch(stopOthers) : new Map<string, LinkedIssue>(),
      githubRefs.length > 0
        ? ctx.github().catch(orOffline).then((github) => github.getLinkedIssues(githubRefs, { signal })).catch(stopOthers)
        : new Map<string, LinkedIssue>(),
    ]);
    for (const [key, issue] of fromJira) facts.set(key, issue);
    for (const [key, issue] of fromGitHub) facts.set(key, issue);
  }
  return {
    get: (ref) => facts.get(ref.text),
    skipReason: () => (options.offline ? "--offline" : "not fetched"),
  };
}

function dedupe<T extends IssueRef>(refs: T[]): T[] {
  const seen = new Map<string, T>();
  for (const ref of refs) seen.set(ref.text, ref);
  return [...seen.values()];
}
