/**
 * What the gates need from any tracker: facts about the issues a project links to. Jira and GitHub
 * both implement it; trackers/linked-issues.ts asks each for the references of its kind.
 */
import type { IssueRef, LinkedIssue } from "./refs.js";

export interface LookupOptions {
  /** Aborts requests in flight and waits between attempts. */
  signal?: AbortSignal;
}

export interface Tracker<K extends IssueRef["kind"] = IssueRef["kind"]> {
  /** The kind of reference this tracker answers for. */
  readonly kind: K;
  /** As people know it in messages: "Jira", "GitHub". */
  readonly name: string;
  /** Facts for each reference, keyed by its canonical text; a reference it does not know has found: false. */
  lookup(refs: readonly Extract<IssueRef, { kind: K }>[], options?: LookupOptions): Promise<Map<string, LinkedIssue>>;
}
