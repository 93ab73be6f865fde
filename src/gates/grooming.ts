/**
 * The grooming gate for tasks (`cloud groom check`), pure: which issues form the session (as JQL),
 * which phase a day is in, and the verdict on each issue. Each issue is judged by judgeIssue from
 * issue-readiness.ts, the same rules `issues-ready` applies in `cloud dor check`; nothing here adds to
 * them or relaxes them, apart from the phase that issue-readiness.ts itself defines.
 */
import type { LinkedIssue } from "../trackers/refs.js";
import { judgeIssue, judgeMissingIssue, type GroomPhase, type IssueCriterionResult } from "./issue-readiness.js";

export type { GroomPhase } from "./issue-readiness.js";

export const PHASES = ["refine", "estimate"] as const satisfies readonly GroomPhase[];

/** What each phase asks of whom, for help and reports. */
export const PHASE_TEXT: Record<GroomPhase, string> = {
  refine: "Monday to Wednesday each assignee writes the description and acceptance criteria of their issues; a missing estimate is skipped (estimated on Thursday and Friday)",
  estimate: "Thursday and Friday the team estimates in Fibonacci story points; every criterion counts",
};

/** Monday–Wednesday (local time) is refine, Thursday to Sunday estimate. */
export function phaseOn(date: Date): GroomPhase {
  const day = date.getDay();
  return day >= 1 && day <= 3 ? "refine" : "estimate";
}

/** A JQL string literal: double-quoted, with backslashes and quotes escaped. */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The order of a session: the backlog's, so the top of the backlog is groomed first. */
export const SESSION_ORDER = "ORDER BY Rank ASC";

/** The issues of the next session: open issues of the project that carry the label. */
export function sessionJql(project: string, label: string): string {
  return `project = ${project} AND labels = ${jqlString(label)} AND statusCategory != Done ${SESSION_ORDER}`;
}

/** How the help shows the query, with the configured values as placeholders. */
export const SESSION_JQL_TEMPLATE = `project = <KEY> AND labels = "<label>" AND statusCategory != Done ${SESSION_ORDER}`;

export interface GroomIssue {
  key: string;
  /** null for a key Jira does not have. */
  summary: string | null;
  url: string | null;
  assignee: string | null;
  passed: boolean;
  criteria: IssueCriterionResult[];
}

export interface GroomReport {
  check: "groom";
  phase: GroomPhase;
  passed: boolean;
  issues: GroomIssue[];
}

/** One issue's verdict, from the facts its tracker gave (found: false for a key it does not have). */
export function judgeGroomIssue(key: string, facts: LinkedIssue, phase: GroomPhase): GroomIssue {
  const criteria = facts.found ? judgeIssue(facts, phase) : judgeMissingIssue(key);
  return {
    key,
    summary: facts.found ? (facts.title ?? "") : null,
    url: facts.found ? (facts.url ?? null) : null,
    assignee: facts.assignee,
    passed: criteria.every((c) => c.status !== "unmet"),
    criteria,
  };
}

/** The session's report; an empty session does not pass (there is nothing to groom). */
export function groomReport(issues: GroomIssue[], phase: GroomPhase): GroomReport {
  return { check: "groom", phase, passed: issues.length > 0 && issues.every((i) => i.passed), issues };
}

export interface AssigneeGroup {
  /** null: no assignee. */
  assignee: string | null;
  issues: GroomIssue[];
}

/** The issues by assignee, so each person sees what they owe: no assignee first, then by name; issues keep their order. */
export function byAssignee(issues: readonly GroomIssue[]): AssigneeGroup[] {
  const groups = new Map<string | null, GroomIssue[]>();
  for (const issue of issues) groups.set(issue.assignee, [...(groups.get(issue.assignee) ?? []), issue]);
  return [...groups]
    .map(([assignee, list]) => ({ assignee, issues: list }))
    .sort((a, b) => (a.assignee === null ? -1 : b.assignee === null ? 1 : a.assignee.localeCompare(b.assignee, "en")));
}
