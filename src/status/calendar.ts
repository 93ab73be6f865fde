/**
 * Days as the status update counts them: local calendar days (YYYY-MM-DD in the time zone of the
 * clock), working days Monday to Friday, and the day `--since` names. Calendar arithmetic runs on the
 * day's text read as UTC, so daylight saving never shifts a day; only turning an instant into a day and
 * a day into its first instant use local time.
 */
import { UsageError } from "../errors.js";
import { localDay } from "../text/dates.js";

/** YYYY-MM-DD */
export type Day = string;

export { localDay };

const DAY_MS = 86_400_000;

function utcMidnight(day: Day): number {
  return Date.parse(`${day}T00:00:00Z`);
}

function dayAt(ms: number): Day {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: Day, days: number): Day {
  return dayAt(utcMidnight(day) + days * DAY_MS);
}

/** Monday to Friday. */
export function isWorkingDay(day: Day): boolean {
  const weekday = new Date(utcMidnight(day)).getUTCDay();
  return weekday >= 1 && weekday <= 5;
}

/** The working days from `from` up to, not including, `to`; 0 when `to` is not after `from`. */
export function workingDaysBetween(from: Day, to: Day): number {
  const days = Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
  if (days <= 0) return 0;
  // Whole weeks hold five working days each; the days left over are counted one by one.
  const weeks = Math.floor(days / 7);
  let count = weeks * 5;
  for (let k = weeks * 7; k < days; k++) if (isWorkingDay(addDays(from, k))) count++;
  return count;
}

/** The working day before `day`: Friday for a Monday, a Saturday or a Sunday. */
export function previousWorkingDay(day: Day): Day {
  let previous = addDays(day, -1);
  while (!isWorkingDay(previous)) previous = addDays(previous, -1);
  return previous;
}

/** The first instant of a local day. */
export function startOfLocalDay(day: Day): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
}

/** What `--since` says: a day, or a number of days before today. */
export type SinceOption = { day: Day } | { daysAgo: number };

export interface Since {
  day: Day;
  /** The first instant of that day, local time. */
  at: Date;
}

/** The day the update starts from: `--since`, or by default the start of the previous working day. */
export function resolveSince(option: SinceOption | undefined, now: Date): Since {
  const today = localDay(now);
  const day = option === undefined ? previousWorkingDay(today) : "day" in option ? option.day : addDays(today, -option.daysAgo);
  if (day > today) throw new UsageError(`--since ${day} is after today (${today})`, { hint: "Give a day in the past, such as --since 3d." });
  return { day, at: startOfLocalDay(day) };
}
