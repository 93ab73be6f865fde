/**
 * Milestone progress: project items (GitHub) or versions and their issues (Jira) in, one report out.
 * Pure: no I/O, and "today" comes in as a parameter. The rules are the contract's
 * (`cloud milestone report`). For a GitHub Project:
 *
 * - archived items and items whose content the token cannot see (redacted) are left out and counted
 *   under `skipped` (an item that is both counts as archived);
 * - an item belongs to the group named by its milestone-field value; items without one form a single
 *   group whose name is null, listed last; the other groups are ordered by due date (none last),
 *   then by name;
 * - done: the status value is one of `doneValues`; an item with no status value is done when its
 *   issue is closed or its pull request merged or closed; a draft without status is not done;
 * - points sum the estimate (missing counts 0); percent = round(100 * done / total) by item count.
 *
 * For Jira versions (buildVersionReport):
 *
 * - every version that is neither archived nor released, by release date (none last) then name; with
 *   `all`, the released ones after them in the same order, their state `released`; archived never;
 * - a version's items are the issues whose fixVersions include it (an issue in two counts in both);
 *   sub-tasks are left out and counted under `skipped.subtasks` (each once);
 * - done: the status category is Done; points sum the story points (missing counts 0); a version
 *   with no issues has total 0 and percent 0.
 */

export type MilestoneState = "done" | "on-track" | "at-risk" | "overdue" | "no-due-date" | "released";

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

/** A Jira version as a milestone: the common fields, plus its id, start date and whether it is released. */
export interface VersionSummary extends MilestoneSummary {
  id: string;
  name: string;
  startOn: string | null;
  released: boolean;
}

/** The document `--json` prints; field order is the contract's. */
export type MilestoneReport = GitHubMilestoneReport | JiraMilestoneReport;

export interface GitHubMilestoneReport {
  source: "github";
  project: ProjectInfo;
  milestones: MilestoneSummary[];
  skipped: { archived: number; redacted: number };
}

export interface JiraMilestoneReport {
  source: "jira";
  project: ProjectInfo;
  milestones: VersionSummary[];
  skipped: { subtasks: number };
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
  released     (Jira, with --all) a released version, whatever is still open
  done         the milestone has items and every one of them is done
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

/**
 * The state of an unreleased milestone. One with no items (a Jira version nothing is planned in yet) is
 * never done: it is judged by its date alone, with nothing open.
 */
export function milestoneState(group: { total: number; done: number; dueOn: string | null }, today: string): MilestoneState {
  if (group.total > 0 && group.done >= group.total) return "done";
  if (group.dueOn === null) return "no-due-date";
  const daysLeft = daysBetween(today, group.dueOn);
  if (daysLeft < 0) return "overdue";
  const openShare = group.total === 0 ? 0 : (group.total - group.done) / group.total;
  if (daysLeft <= AT_RISK_WINDOW_DAYS && openShare > daysLeft / AT_RISK_WINDOW_DAYS) return "at-risk";
  return "on-track";
}

/** A milestone while items are being counted. */
type Group = Omit<MilestoneSummary, "percent" | "state">;

/** Items counted so far: how many, how many done, and their points. */
interface Tally {
  total: number;
  done: number;
  points: { total: number; done: number };
}

const emptyTally = (): Tally => ({ total: 0, done: 0, points: { total: 0, done: 0 } });

function count(tally: Tally, done: boolean, points: number | null): void {
  tally.total++;
  tally.points.total += points ?? 0;
  if (done) {
    tally.done++;
    tally.points.done += points ?? 0;
  }
}

/** Sums of decimal estimates (0.5 + 0.1 …) are rounded to hundredths to hide binary noise. */
function roundPoints(points: number): number {
  return Math.round(points * 100) / 100;
}

/** The finished numbers of a tally; percent is 0 for a milestone with no items. */
function figures(tally: Tally): Pick<MilestoneSummary, "total" | "done" | "percent" | "points"> {
  return {
    total: tally.total,
    done: tally.done,
    percent: tally.total === 0 ? 0 : Math.round((100 * tally.done) / tally.total),
    points: { total: roundPoints(tally.points.total), done: roundPoints(tally.points.done) },
  };
}

export function buildMilestoneReport(project: ProjectInfo, items: Iterable<ProjectItem>, options: ReportOptions): GitHubMilestoneReport {
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
    count(group, isDone(item, options.doneValues), item.estimate);
  }

  const today = utcDay(options.now);
  const milestones = [...groups.values()].sort(compareGroups).map(
    (g): MilestoneSummary => ({ name: g.name, dueOn: g.dueOn, ...figures(g), state: milestoneState(g, today) }),
  );
  return { source: "github", project: { title: project.title, url: project.url }, milestones, skipped };
}

// Made on first use: building a collator costs tens of milliseconds, and most commands never sort names.
let collator: Intl.Collator | undefined;
const byName = (a: string, b: string) => (collator ??= new Intl.Collator("en", { numeric: true, sensitivity: "variant" })).compare(a, b);

/** Named groups by due date (none last) then name; the group without a milestone always last. */
function compareGroups(a: Group, b: Group): number {
  if (a.name === null || b.name === null) return a.name === b.name ? 0 : a.name === null ? 1 : -1;
  return compareDueThenName({ name: a.name, dueOn: a.dueOn }, { name: b.name, dueOn: b.dueOn });
}

function compareDueThenName(a: { name: string; dueOn: string | null }, b: { name: string; dueOn: string | null }): number {
  if (a.dueOn !== b.dueOn) {
    if (a.dueOn === null) return 1;
    if (b.dueOn === null) return -1;
    return a.dueOn < b.dueOn ? -1 : 1;
  }
  // The collator may call "M01" and "M1" equal; fall back to code units so the order never depends on input order.
  return byName(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// Jira versions

/** A Jira version (fix version), as the report reads it. */
export interface VersionInfo {
  id: string;
  name: string;
  archived: boolean;
  released: boolean;
  /** YYYY-MM-DD or null: the version's startDate and releaseDate. */
  startOn: string | null;
  dueOn: string | null;
}

/** One issue of a version search. The same issue may come from several searches; it counts once a version. */
export interface VersionIssue {
  key: string;
  /** The ids of its fix versions. */
  versionIds: readonly string[];
  subtask: boolean;
  /** Its status category is Done. */
  done: boolean;
  points: number | null;
}

export interface VersionReportOptions {
  /** Add the released versions (the contract's `--all`). */
  all: boolean;
  now: Date;
}

/**
 * The versions a report shows, in its order: those neither archived nor released by release date
 * (none last), then name; with `all`, then the released ones in the same order. Archived ones never.
 */
export function reportedVersions<V extends VersionInfo>(versions: readonly V[], options: Pick<VersionReportOptions, "all">): V[] {
  const order = (a: V, b: V) => compareDueThenName(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const live = versions.filter((v) => !v.archived);
  const unreleased = live.filter((v) => !v.released).sort(order);
  return options.all ? [...unreleased, ...live.filter((v) => v.released).sort(order)] : unreleased;
}

export function buildVersionReport(project: ProjectInfo, versions: readonly VersionInfo[], issues: Iterable<VersionIssue>, options: VersionReportOptions): JiraMilestoneReport {
  const shown = reportedVersions(versions, options);
  const tallies = new Map(shown.map((v) => [v.id, emptyTally()]));
  const seen = new Set<string>();
  let subtasks = 0;
  for (const issue of issues) {
    if (seen.has(issue.key)) continue;
    const counted = [...new Set(issue.versionIds)].flatMap((id) => tallies.get(id) ?? []);
    // An issue of no version shown (a search raced an edit) counts nowhere, not even as skipped.
    if (counted.length === 0) continue;
    seen.add(issue.key);
    if (issue.subtask) {
      subtasks++;
      continue;
    }
    for (const tally of counted) count(tally, issue.done, issue.points);
  }

  const today = utcDay(options.now);
  const milestones = shown.map((v): VersionSummary => {
    const tally = tallies.get(v.id)!;
    return {
      id: v.id,
      name: v.name,
      startOn: v.startOn,
      dueOn: v.dueOn,
      ...figures(tally),
      state: v.released ? "released" : milestoneState({ ...tally, dueOn: v.dueOn }, today),
      released: v.released,
    };
  });
  return { source: "jira", project: { title: project.title, url: project.url }, milestones, skipped: { subtasks } };
}
