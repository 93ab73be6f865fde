/**
 * Jira versions (fix versions) as milestones: the project, its versions paged to the end, and the
 * issues of each version the report shows, found by one search a version (`project = "KEY" AND
 * fixVersion = <id>`), at most SEARCHES_IN_FLIGHT at once, each paged to its end by the client (a
 * token on Cloud, startAt on Data Center). The issues carry only what the report reads: status (for
 * its category), fix versions, issue type (for sub-tasks) and the story-points fields.
 *
 * Requests: the project, ceil(versions / 50) version pages, the field lookup (one a run, unless
 * jira.storyPointsField is an id), and for each version shown ceil(issues / 100) search pages (one
 * for none); serverInfo once a run when the host is not Atlassian's.
 */
import { mapLimit } from "../../trackers/batch.js";
import type { JiraClient, JiraIssue, JiraVersion } from "../../trackers/jira/jira.js";
import { reportedVersions, toDay, type ProjectInfo, type VersionInfo, type VersionIssue } from "../summary.js";

/** Searches in flight at once: enough to overlap the wait for Jira, few enough not to be rate-limited. */
export const SEARCHES_IN_FLIGHT = 4;

export interface JiraVersionsOptions {
  /** Also fetch the issues of released versions (the report's `--all`). */
  all: boolean;
  /** Called as each version's issues have arrived: versions done, versions to fetch. */
  onProgress?: (done: number, total: number) => void;
}

export interface JiraVersions {
  project: ProjectInfo;
  /** Every version of the project, archived and released ones included (so "nothing to report" can say why). */
  versions: VersionInfo[];
  /** The issues of the versions shown; an issue in two of them comes twice. */
  issues: VersionIssue[];
}

/** The part of the Jira client this source uses. */
export type VersionsClient = Pick<JiraClient, "project" | "versions" | "storyPointsFields" | "search">;

/**
 * `key` is a project key already checked against the key pattern (letters, digits, underscore), so it
 * is safe in a JQL string and in a URL path. A key Jira does not know is a RemoteError (exit 3) naming it.
 */
export async function fetchJiraVersions(jira: VersionsClient, key: string, options: JiraVersionsOptions): Promise<JiraVersions> {
  // The three lookups go out together; the project's answer is awaited first, so an unknown key is
  // always reported as such, whichever request fails first.
  const project = jira.project(key);
  const versions = jira.versions(key);
  const pointsFields = jira.storyPointsFields();
  versions.catch(() => {}); // awaited below
  pointsFields.catch(() => {});

  const info = await project;
  const all = (await versions).map(toVersionInfo);
  const shown = reportedVersions(all, options);
  if (shown.length === 0) return { project: { title: info.name, url: info.url }, versions: all, issues: [] };

  const points = await pointsFields;
  const fields = ["status", "fixVersions", "issuetype", ...points];
  let done = 0;
  const found = await mapLimit(shown, SEARCHES_IN_FLIGHT, async (version) => {
    const issues = await jira.search(versionQuery(info.key, version.id), fields);
    options.onProgress?.(++done, shown.length);
    return issues.map((issue) => toVersionIssue(issue, points));
  });
  return { project: { title: info.name, url: info.url }, versions: all, issues: found.flat() };
}

/**
 * The JQL for one version's issues. The key is quoted, so a key that is a JQL reserved word (`IS`,
 * `OR`, …) still reads as a value; a version id is a number, which Jira takes as the id (a quoted
 * value would be looked up by name first).
 */
export function versionQuery(projectKey: string, versionId: string): string {
  const version = /^[0-9]+$/.test(versionId) ? versionId : jqlString(versionId);
  return `project = ${jqlString(projectKey)} AND fixVersion = ${version}`;
}

/** A JQL string literal: double quotes, with `"` and `\` escaped. */
function jqlString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function toVersionInfo(version: JiraVersion): VersionInfo {
  return {
    id: version.id,
    name: version.name,
    archived: version.archived,
    released: version.released,
    startOn: toDay(version.startDate),
    dueOn: toDay(version.releaseDate),
  };
}

function toVersionIssue(issue: JiraIssue, pointsFields: readonly string[]): VersionIssue {
  const { fields } = issue;
  const values = fields as Record<string, unknown>;
  // A site may have two story-points fields, each used by some projects: the first with a value wins.
  const points = pointsFields.map((id) => values[id]).find((v): v is number => typeof v === "number" && Number.isFinite(v));
  return {
    key: issue.key,
    versionIds: (fields.fixVersions ?? []).map((v) => v.id),
    subtask: fields.issuetype?.subtask === true,
    done: fields.status?.statusCategory.key === "done",
    points: points ?? null,
  };
}
