/**
 * One service for the facts about linked issues: the references are split by tracker, every tracker
 * with references is asked at the same time, and the first failure cancels the others.
 *
 * A tracker that is not set up (no host, no credentials) is not a failure of the run: its references
 * are skipped with the reason, and the caller reports the gap after printing what it could judge.
 */
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import type { IssueRef, LinkedIssue } from "./refs.js";
import type { Tracker } from "./tracker.js";

export interface LinkedLookup {
  /** Facts for a reference, or undefined when its tracker was not asked. */
  get(ref: IssueRef): LinkedIssue | undefined;
  /** Why unasked references are skipped, e.g. "--offline". */
  skipReason(ref: IssueRef): string;
  /** The trackers that were needed and are not set up, with what to set. */
  readonly notSetUp: readonly UsageError[];
}

type Kind = IssueRef["kind"];

/** The answer offline: nothing is asked, every reference is skipped. */
export const OFFLINE_LOOKUP: LinkedLookup = { get: () => undefined, skipReason: () => "--offline", notSetUp: [] };

export async function lookupLinkedIssues(ctx: Context, refs: readonly IssueRef[], options: { offline: boolean }): Promise<LinkedLookup> {
  if (options.offline) return OFFLINE_LOOKUP;
  const facts = new Map<string, LinkedIssue>();
  const reasons = new Map<Kind, string>();
  const notSetUp: UsageError[] = [];
  const connectors: Record<Kind, () => Promise<Tracker>> = { jira: ctx.jira, github: ctx.github };

  if (refs.length > 0) {
    const byKind = new Map<Kind, Map<string, IssueRef>>();
    for (const ref of refs) {
      const group = byKind.get(ref.kind) ?? new Map<string, IssueRef>();
      group.set(ref.text, ref);
      byKind.set(ref.kind, group);
    }
    // When one tracker fails, the check has failed: stop the others' requests and retry waits, or the
    // process would stay alive until they end (a silent server holds it for its whole timeout).
    const failed = new AbortController();
    const signal = AbortSignal.any([ctx.signal, failed.signal]);
    const ask = async (kind: Kind, wanted: IssueRef[]) => {
      let tracker: Tracker;
      try {
        tracker = await connectors[kind]();
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        notSetUp.push(error);
        reasons.set(kind, error.message);
        return;
      }
      for (const [key, issue] of await tracker.lookup(wanted as never, { signal })) facts.set(key, issue);
    };
    await Promise.all(
      [...byKind].map(([kind, wanted]) =>
        ask(kind, [...wanted.values()]).catch((error: unknown) => {
          failed.abort();
          throw error;
        }),
      ),
    );
  }
  return {
    get: (ref) => facts.get(ref.text),
    skipReason: (ref) => reasons.get(ref.kind) ?? "not fetched",
    notSetUp,
  };
}

/** The error to exit with after the report: a gate never passes unchecked. */
export function notSetUpError(lookup: LinkedLookup): UsageError | undefined {
  const [first, ...rest] = lookup.notSetUp;
  if (!first) return undefined;
  const also = rest.length > 0 ? `; ${rest.map((e) => e.message).join("; ")}` : "";
  return new UsageError(`${first.message}${also}`, {
    hint: `${first.hint ? `${first.hint.replace(/\.$/, "")}; or` : "Or"} pass --offline to skip the linked issues.`,
    cause: first,
  });
}
