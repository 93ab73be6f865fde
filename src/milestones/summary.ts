/**
 * Milestone progress of a GitHub Project: project items in, one report out. Pure: no I/O, and
 * "today" comes in as a parameter. The rules are the contract's (`cloud milestone report`):
 *
 * - archived items and items whose content the token cannot see (redacted) are left out and counted
 *   under `skipped` (an item that is both counts as archived);
 * - an item belongs to the group named by its milestone-field value; items without one form a single
 *   group whose name is null, listed last; the other groups are ordered by due date (none last),
 *   then by name;
 * - done: the status value is one of `doneValues`; an item with no status value is done when its
 *   issue is closed or its pull request merged or closed; a draft without status is not done;
 * - points sum the estimate (missing counts 0); percent = round(100 * done / total) by item count.
 */

export type MilestoneState = "done" | "on-track" | "at-risk" | "overdue" | "no-due-date";

/** The value of the grouping field on one item: a milestone, an iteration or a single-select option. */
export interface MilestoneValue {
  name: string;
  /** YYYY-MM-DD, or null when the field kind carries no date. */
  dueOn: string | null;
}

export type ItemContent =
  /** `closed` is null when the source does not say (gh's JSON carries no open/closed state). */
  | { type: "issue"; closed: boolean | null }
  /** `closed` is true for a pull request that is merged or closed. */
  | { type: "pull-request"; closed: boolean | null }
  | { type: "draft" }
  | { type: "redacted" };

export interface ProjectItem {
  archived: boolean;
  content: ItemContent;
  milestone: MilestoneValue | null;
  status: string | null;
  estimate: number | null;
}

export interface ProjectInfo {
  title: string;
  url: string | null;
}

export interface MilestoneSummary {
  name: string | null;
  dueOn: string | null;
  total: number;
  done: number;
  percent: number;
  points: { total: number; done: number };
  state: MilestoneState;
}

/** The document `--json` prints; field order is the contract's. */
export interface MilestoneReport {
  project: ProjectInfo;
  milestones: MilestoneSummary[];
  skipped: { archived: number; redacted: number };
}

export interface ReportOptions {
  doneValues: readonly string[];
  /** The moment the report is made; dates are compared as UTC calendar days. */
  now: Date;
}

/** How many days before its due date an unfinished milestone can be at risk. */
export const AT_RISK_WINDOW_DAYS = 14;

/** The state rule in words, for `--help` and the README. Keep in step with milestoneState(). */
export const STATE_RULE = `How "state" is decided (dates are UTC calendar days):
  done         every item in the milestone is done
  no-due-date  not done, and the milestone has no due date
  overdue      not done, and the due date has passed
  at-risk      due within ${AT_RISK_WINDOW_DAYS} days (or today), and the share of items still open is
               larger than the share of those ${AT_RISK_WINDOW_DAYS} days still left: a straight
               burn-down to zero over the last ${AT_RISK_WINDOW_DAYS} days is not being kept
               (7 days left with more than half open, or due today with anything open)
  on-track     otherwise`;

const DAY_MS = 86_400_000;

/** The UTC calendar day of a date, as YYYY-MM-DD. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to`, both YYYY-MM-DD. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The date part of a GitHub DateTime or Date ("2026-12-15T08:00:00Z" → "2026-12-15"); null for none. */
export function toDay(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  if (!match) return null;
  const time = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(time) ? null : utcDay(new Date(time));
}

/** An iteration is due on its last day: the start date plus its duration in days, minus one. */
export function iterationDueOn(startDate: string, durationDays: number): string | null {
  const start = Date.parse(`${startDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(start) || !Number.isFinite(durationDays)) return null;
  return utcDay(new Date(start + (Math.max(1, durationDays) - 1) * DAY_MS));
}

export function isDone(item: ProjectItem, doneValues: readonly string[]): boolean {
  if (item.status !== null) return doneValues.includes(item.status);
  switch (item.content.type) {
    case "issue":
    case "pull-request":
      return item.content.closed === true;
    default:
      return false;
  }
}

export function milestoneState(group: { total: number; done: number; dueOn: string | null }, today: string): MilestoneState {
  if (group.done >= group.total) return "done";
  if (group.dueOn === null) return "no-due-date";
  const daysLeft = daysBetween(today, group.dueOn);
  if (daysLeft < 0) return "overdue";
  const openShare = (group.total - group.done) / group.total;
  if (daysLeft <= AT_RISK_WINDOW_DAYS && openShare > daysLeft / AT_RISK_WINDOW_DAYS) return "at-risk";
  return "on-track";
}

/** A milestone while items are being counted. */
type Group = Omit<MilestoneSummary, "percent" | "state">;

/** Sums of decimal estimates (0.5 + 0.1 …) are rounded to hundredths to hide binary noise. */
function roundPoints(points: number): number {
  return Math.round(points * 100) / 100;
}

export function buildMilestoneReport(project: ProjectInfo, items: Iterable<ProjectItem>, options: ReportOptions): MilestoneReport {
  const skipped = { archived: 0, redacted: 0 };
  const groups = new Map<string | null, Group>();
  for (const item of items) {
    if (item.archived) {
      skipped.archived++;
      continue;
    }
    if (item.content.type === "redacted") {
      skipped.redacted++;
      continue;
    }
    const name = item.milestone?.name ?? null;
    let group = groups.get(name);
    if (!group) {
      group = { name, dueOn: null, total: 0, done: 0, points: { total: 0, done: 0 } };
      groups.set(name, group);
    }
    // Milestones of the same title in several repositories may differ in due date: the earliest wins.
    const dueOn = item.milestone?.dueOn ?? null;
    if (dueOn !== null && (group.dueOn === null || dueOn < group.dueOn)) group.dueOn = dueOn;
    const points = item.estimate ?? 0;
    group.total++;
    group.points.total += points;
    if (isDone(item, options.doneValues)) {
      group.done++;
      group.points.done += points;
    }
  }

  const today = utcDay(options.now);
  const milestones = [...groups.values()].sort(compareGroups).map(
    (g): MilestoneSummary => ({
      name: g.name,
      dueOn: g.dueOn,
      total: g.total,
      done: g.done,
      percent: Math.round((100 * g.done) / g.total),
      points: { total: roundPoints(g.points.total), done: roundPoints(g.points.done) },
      state: milestoneState(g, today),
    }),
  );
  return { project: { title: project.title, url: project.url }, milestones, skipped };
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "variant" });

/** Named groups by due date (none last) then name; the group without a milestone always last. */
function compareGroups(a: Group, b: Group): number {
  if (a.name === null || b.name === null) return a.name === b.name ? 0 : a.name === null ? 1 : -1;
  if (a.dueOn !== b.dueOn) {
    if (a.dueOn === null) return 1;
    if (b.dueOn === null) return -1;
    return a.dueOn < b.dueOn ? -1 : 1;
  }
  // The collator may call "M01" and "M1" equal; fall back to code units so the order never depends on input order.
  return collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
