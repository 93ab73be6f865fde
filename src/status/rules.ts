/**
 * The status update's rules, as pure functions of what Jira, GitHub and git said:
 *
 * - priority: my unresolved issues in progress (status category In Progress), the one the current
 *   branch names first, then by Jira rank; then my open pull requests, oldest first.
 * - unexpected: my issues in progress for more working days than their story points; my issues reopened
 *   (moved out of a Done status) since the day the update starts from.
 * - help: my unresolved issues that are flagged or whose status is named Blocked; my open, non-draft pull
 *   requests without a review for more than one working day since review was requested (else opened).
 * - done: my issues whose status category became Done since that day, and my pull requests merged since.
 *
 * Working days in progress are the weekdays from the day an issue last entered In Progress up to, not
 * including, today; today is "day N", N = that count + 1. An issue without points is never unexpected.
 */
import type { MergedPullRequest, OpenPullRequest } from "../trackers/github/pull-requests.js";
import type { StatusChange } from "../trackers/jira/jira-schemas.js";
import { localDay, workingDaysBetween, type Day, type Since } from "./calendar.js";

/** Jira's status category keys. */
const IN_PROGRESS = "indeterminate";
const DONE = "done";

/** One line of the update. */
export interface StatusEntry {
  /** CLOUD-42 or owner/repo#123 */
  ref: string;
  title: string;
  url: string;
  reason: string;
  /** How the reason follows the title: "(reason)" for a state, ": reason" for a sentence. */
  form: "tag" | "sentence";
}

export interface StatusUpdate {
  since: Day;
  priority: StatusEntry[];
  unexpected: StatusEntry[];
  help: StatusEntry[];
  done: StatusEntry[];
}

/** What the update needs to know of one of my Jira issues. */
export interface IssueFacts {
  key: string;
  title: string;
  url: string;
  status: { id: string | null; name: string; category: string };
  resolved: boolean;
  points: number | null;
  /** The Flagged field's values ("Impediment"); empty when not flagged. */
  flags: string[];
  /** When the status category last changed (Jira's statuscategorychangedate), ISO. */
  categoryChangedAt: string | null;
  /** Status changes, oldest first; fetched for issues in progress and those whose category changed since. */
  changes: StatusChange[];
}

/** The status category of a status, by id (which survives a rename) or by name. */
export type CategoryOf = (status: { id: string | null; name: string | null }) => string | undefined;

export function categoryLookup(statuses: readonly { id: string; name: string; category: string }[]): CategoryOf {
  const byId = new Map(statuses.map((s) => [s.id, s.category]));
  const byName = new Map(statuses.map((s) => [s.name.toLowerCase(), s.category]));
  return ({ id, name }) => (id !== null ? byId.get(id) : undefined) ?? (name !== null ? byName.get(name.toLowerCase()) : undefined);
}

export interface StatusInput {
  now: Date;
  since: Since;
  /** Jira keys in the current branch's name. */
  branchKeys: readonly string[];
  /** My issues in Jira rank order; null when Jira is not set up. */
  jira: { issues: readonly IssueFacts[]; categoryOf: CategoryOf } | null;
  /** My open pull requests (oldest first) and those merged since; null when GitHub is not set up. */
  github: { open: readonly OpenPullRequest[]; merged: readonly MergedPullRequest[] } | null;
}

/** Jira keys anywhere in a branch name, upper-cased: `the-answer-to-everything-CLOUD-42` → CLOUD-42. */
export function keysInBranch(branch: string | null): string[] {
  if (!branch) return [];
  return [...branch.matchAll(/(?<![A-Za-z0-9_])([A-Za-z][A-Za-z0-9_]{1,9}-[1-9][0-9]*)(?![0-9])/g)].map((m) => m[1]!.toUpperCase());
}

export function isInProgress(issue: IssueFacts): boolean {
  return !issue.resolved && issue.status.category === IN_PROGRESS;
}

export function isBlocked(issue: IssueFacts): boolean {
  return issue.status.name.trim().toLowerCase() === "blocked";
}

const side = (change: StatusChange, which: "from" | "to") => (which === "from" ? { id: change.fromId, name: change.from } : { id: change.toId, name: change.to });

/**
 * When the issue last entered In Progress: the last change into an In Progress status from one that is
 * not. Without one in its history (created in progress), when its category last changed.
 */
export function enteredInProgressAt(issue: IssueFacts, categoryOf: CategoryOf): string | null {
  const entry = issue.changes.filter((c) => categoryOf(side(c, "to")) === IN_PROGRESS && categoryOf(side(c, "from")) !== IN_PROGRESS).at(-1);
  return entry?.at ?? issue.categoryChangedAt;
}

/** The working days an issue has been in progress, not counting today. */
export function workingDaysInProgress(issue: IssueFacts, categoryOf: CategoryOf, today: Day): number {
  const entered = enteredInProgressAt(issue, categoryOf);
  return entered === null ? 0 : workingDaysBetween(localDay(new Date(entered)), today);
}

/** When the issue was last moved out of a Done status since `since`, if it was and is not Done now. */
export function reopenedAt(issue: IssueFacts, categoryOf: CategoryOf, since: Date): string | null {
  if (issue.status.category === DONE) return null;
  const reopen = issue.changes
    .filter((c) => Date.parse(c.at) >= since.getTime() && categoryOf(side(c, "from")) === DONE && categoryOf(side(c, "to")) !== DONE)
    .at(-1);
  return reopen?.at ?? null;
}

/** When the issue's status category became Done, if it is Done and that was since `since`. */
export function doneAt(issue: IssueFacts, since: Date): string | null {
  if (issue.status.category !== DONE || issue.categoryChangedAt === null) return null;
  return Date.parse(issue.categoryChangedAt) >= since.getTime() ? issue.categoryChangedAt : null;
}

/** Working days a pull request has waited for its first review, not counting today. */
export function workingDaysWaiting(pr: OpenPullRequest, today: Day): number {
  return workingDaysBetween(localDay(new Date(pr.reviewRequestedAt ?? pr.createdAt)), today);
}

/** An open pull request that needs a reviewer: not a draft, no review, waiting more than one working day. */
export function needsReview(pr: OpenPullRequest, today: Day): boolean {
  return !pr.draft && pr.reviews === 0 && workingDaysWaiting(pr, today) > 1;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function pullRequestState(pr: OpenPullRequest): string {
  if (pr.draft) return "draft";
  if (pr.reviewDecision === "APPROVED") return "approved";
  if (pr.reviewDecision === "CHANGES_REQUESTED") return "changes requested";
  if (pr.reviews > 0) return "in review";
  return pr.reviewRequestedAt === null ? "no review requested" : "review requested";
}

export function buildStatusUpdate(input: StatusInput): StatusUpdate {
  const today = localDay(input.now);
  const update: StatusUpdate = { since: input.since.day, priority: [], unexpected: [], help: [], done: [] };
  const sinceAt = input.since.at;

  if (input.jira) {
    const { issues, categoryOf } = input.jira;
    const entry = (issue: IssueFacts, reason: string, form: StatusEntry["form"]): StatusEntry => ({ ref: issue.key, title: issue.title, url: issue.url, reason, form });
    const branch = new Set(input.branchKeys);
    const inProgress = issues.filter(isInProgress);
    // The branch's issue first; Array.prototype.sort is stable, so the rest keep Jira's rank order.
    const ordered = [...inProgress].sort((a, b) => Number(branch.has(b.key)) - Number(branch.has(a.key)));
    for (const issue of ordered) {
      const days = workingDaysInProgress(issue, categoryOf, today);
      const points = issue.points === null ? "no estimate" : plural(issue.points, "point");
      update.priority.push(entry(issue, `${issue.status.name}, ${points}, day ${days + 1}`, "tag"));
    }
    for (const issue of inProgress) {
      const days = workingDaysInProgress(issue, categoryOf, today);
      if (issue.points !== null && days > issue.points) {
        update.unexpected.push(entry(issue, `in progress ${plural(days, "working day")} against an estimate of ${plural(issue.points, "point")}`, "sentence"));
      }
    }
    for (const issue of issues) {
      const at = reopenedAt(issue, categoryOf, sinceAt);
      if (at !== null) update.unexpected.push(entry(issue, `reopened on ${localDay(new Date(at))}`, "sentence"));
    }
    for (const issue of issues) {
      if (issue.resolved) continue;
      const reasons = [...(issue.flags.length > 0 ? [`flagged: ${issue.flags.join(", ")}`] : []), ...(isBlocked(issue) ? [`status: ${issue.status.name}`] : [])];
      if (reasons.length > 0) update.help.push(entry(issue, reasons.join("; "), "tag"));
    }
    const done = issues.flatMap((issue) => {
      const at = doneAt(issue, sinceAt);
      return at === null ? [] : [{ issue, at }];
    });
    done.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (const { issue, at } of done) update.done.push(entry(issue, `${issue.status.name} on ${localDay(new Date(at))}`, "tag"));
  }

  if (input.github) {
    const { open, merged } = input.github;
    const entry = (pr: OpenPullRequest | MergedPullRequest, reason: string, form: StatusEntry["form"]): StatusEntry => ({ ref: pr.ref, title: pr.title, url: pr.url, reason, form });
    for (const pr of open) update.priority.push(entry(pr, pullRequestState(pr), "tag"));
    for (const pr of open) {
      if (needsReview(pr, today)) update.help.push(entry(pr, `waiting ${plural(workingDaysWaiting(pr, today), "day")} for a review`, "sentence"));
    }
    for (const pr of merged) update.done.push(entry(pr, `merged on ${localDay(new Date(pr.mergedAt))}`, "tag"));
  }
  return update;
}
