/**
 * My Jira issues, as the status update needs them, in as few requests as Jira allows:
 *
 *   1. the field list (story points, Flagged) and the status list (categories, and which statuses are
 *      named Blocked), at the same time, each once a run;
 *   2. one search, paged to its end, in rank order, for every issue of mine the update can print:
 *      unresolved and in progress, flagged or Blocked, or whose status category changed since the day
 *      the update starts from (done since then, or reopened);
 *   3. the status history of the issues in progress and of those that changed category and are not
 *      done: one bulk request on Cloud, one request an issue on Data Center.
 */
import { z } from "../text/zod.js";
import { RemoteError } from "../errors.js";
import type { JiraClient, JiraIssue } from "../trackers/jira/jira.js";
import { categoryLookup, type CategoryOf, type IssueFacts } from "./rules.js";

const DAY_MS = 86_400_000;

export interface MyIssues {
  /** In Jira rank order. */
  issues: IssueFacts[];
  categoryOf: CategoryOf;
}

export interface MyIssuesQuery {
  /** The Flagged field's id, or null when the site has none. */
  flaggedField: string | null;
  /** Ids of the statuses named Blocked. */
  blockedStatusIds: readonly string[];
  /** The update's first instant. */
  since: Date;
}

/**
 * The one search. JQL reads a bare date in the Jira user's time zone, which can differ from ours by
 * up to 26 hours, so it asks from the UTC day before `since` and the answer is cut at `since` itself.
 */
export function myIssuesJql(query: MyIssuesQuery): string {
  const flagged = query.flaggedField === null ? [] : [`${jqlField(query.flaggedField)} is not EMPTY`];
  const blocked = query.blockedStatusIds.length === 0 ? [] : [`status in (${query.blockedStatusIds.map(jqlValue).join(", ")})`];
  const from = new Date(query.since.getTime() - DAY_MS).toISOString().slice(0, 10);
  const open = [`statusCategory = "In Progress"`, ...flagged, ...blocked].join(" OR ");
  return `assignee = currentUser() AND ((resolution = Unresolved AND (${open})) OR statusCategoryChangedDate >= "${from}") ORDER BY Rank ASC`;
}

/** An id as a JQL value: a number as it is, anything else quoted. */
function jqlValue(id: string): string {
  return /^[0-9]+$/.test(id) ? id : `"${id.replace(/["\\]/g, "\\$&")}"`;
}

/** customfield_10021 → cf[10021], as JQL names a custom field by id. */
function jqlField(id: string): string {
  const custom = /^customfield_(\d+)$/.exec(id);
  if (custom) return `cf[${custom[1]}]`;
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(id)) return id;
  throw new RemoteError(`Jira named its Flagged field '${id}', which is not a field id`, { hint: "Check JIRA_HOST." });
}

const fieldsSchema = z.looseObject({
  summary: z._default(z.string(), ""),
  status: z.looseObject({ id: z.optional(z.string()), name: z.string(), statusCategory: z.looseObject({ key: z.string() }) }),
  resolution: z.nullish(z.looseObject({})),
  statuscategorychangedate: z.nullish(z.string()),
});

/** The Flagged field: a checkbox field, [{ value: "Impediment" }] when set. */
const flagsSchema = z.nullish(z.array(z.nullable(z.looseObject({ value: z.optional(z.string()) }))));

export async function fetchMyIssues(jira: JiraClient, since: Date, signal: AbortSignal): Promise<MyIssues> {
  const [pointsFields, flaggedField, statuses] = await Promise.all([jira.storyPointsFields(), jira.flaggedField(), jira.statuses()]);
  signal.throwIfAborted();
  const categoryOf = categoryLookup(statuses);
  const blockedStatusIds = statuses.filter((s) => s.name.trim().toLowerCase() === "blocked").map((s) => s.id);
  const jql = myIssuesJql({ flaggedField, blockedStatusIds, since });
  const fields = ["summary", "status", "resolution", "statuscategorychangedate", ...pointsFields, ...(flaggedField ? [flaggedField] : [])];
  const found = await jira.search(jql, fields);
  signal.throwIfAborted();

  const issues = found.map((issue) => toFacts(issue, jira.host, pointsFields, flaggedField));
  // The history tells when an issue entered In Progress, and whether it was reopened.
  const needHistory = issues.filter(
    (i) => (!i.resolved && i.status.category === "indeterminate") || (i.status.category !== "done" && i.categoryChangedAt !== null && Date.parse(i.categoryChangedAt) >= since.getTime()),
  );
  if (needHistory.length > 0) {
    const ids = new Map(found.flatMap((issue) => (issue.id ? [[issue.key, issue.id] as const] : [])));
    const changes = await jira.statusChanges(
      needHistory.map((i) => i.key),
      { ids },
    );
    for (const issue of needHistory) issue.changes = changes.get(issue.key) ?? [];
  }
  return { issues, categoryOf };
}

function toFacts(issue: JiraIssue, host: string, pointsFields: readonly string[], flaggedField: string | null): IssueFacts {
  const parsed = fieldsSchema.safeParse(issue.fields);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    throw new RemoteError(`Jira sent ${issue.key} without what the search asked for (${problem?.path.join(".") ?? "fields"}: ${problem?.message ?? "invalid"})`, {
      hint: "Check that JIRA_HOST is the Jira site's address.",
    });
  }
  const fields = parsed.data;
  const values = issue.fields as Record<string, unknown>;
  const points = pointsFields.map((id) => values[id]).find((v): v is number => typeof v === "number");
  const flagged = flaggedField === null ? undefined : flagsSchema.safeParse(values[flaggedField]);
  const flags = flagged?.success ? flagged.data : null;
  const flagValues = (flags ?? []).flatMap((f) => (f ? [f.value ?? "Impediment"] : []));
  return {
    key: issue.key,
    title: fields.summary,
    url: `${host}/browse/${issue.key}`,
    status: { id: fields.status.id ?? null, name: fields.status.name, category: fields.status.statusCategory.key },
    resolved: fields.resolution !== null && fields.resolution !== undefined,
    points: points ?? null,
    flags: flagValues,
    categoryChangedAt: fields.statuscategorychangedate ? new Date(fields.statuscategorychangedate).toISOString() : null,
    changes: [],
  };
}
