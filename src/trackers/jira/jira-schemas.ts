/**
 * The parts of Jira's answers the client reads (REST v3 on Cloud, v2 on Data Center), checked at the
 * boundary. Objects are loose: Jira sends far more than we read, and new fields must not break us.
 */
import { z } from "zod";
import { JIRA_KEY } from "../refs.js";

const user = z.looseObject({
  accountId: z.string().optional(),
  displayName: z.string().optional(),
  /** Data Center users have a name instead of an accountId. */
  name: z.string().optional(),
});

/** One issue, with the fields we ask for; custom fields (story points) are read by id from `fields`. */
export const issueSchema = z.looseObject({
  id: z.string().optional(),
  key: z.string().regex(JIRA_KEY, "expected an issue key"),
  fields: z.looseObject({
    /** Absent when a search asks for other fields only. */
    summary: z.string().default(""),
    issuetype: z.looseObject({ name: z.string(), subtask: z.boolean().optional() }).nullish(),
    status: z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }) }).nullish(),
    assignee: user.nullish(),
    /** Atlassian Document Format (Cloud) or wiki markup (Data Center); read by adfToText or wikiToText, which accept any shape. */
    description: z.unknown().optional(),
    fixVersions: z.array(z.looseObject({ id: z.string(), name: z.string().optional() })).nullish(),
    labels: z.array(z.string()).nullish(),
    updated: z.string().nullish(),
    resolutiondate: z.string().nullish(),
    statusCategoryChangedDate: z.string().nullish(),
  }),
});

export type JiraIssue = z.infer<typeof issueSchema>;

/** POST /rest/api/3/issue/bulkfetch: found issues; keys that do not exist are simply absent. */
export const bulkFetchSchema = z.looseObject({
  issues: z.array(issueSchema).default([]),
  /** Issues Jira could not return this time (a retriable error), by id. Not the missing ones. */
  issueErrors: z.array(z.looseObject({ id: z.string().optional(), errorMessage: z.string().optional() })).default([]),
});

/** A search page: POST /rest/api/3/search/jql (token paging) or POST /rest/api/2/search (startAt paging). */
export const searchSchema = z.looseObject({
  issues: z.array(issueSchema).default([]),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
  startAt: z.number().optional(),
  total: z.number().optional(),
});

/** GET /myself: an accountId on Cloud, a name and key on Data Center. */
export const myselfSchema = z.looseObject({
  accountId: z.string().optional(),
  key: z.string().optional(),
  name: z.string().optional(),
  displayName: z.string().optional(),
  timeZone: z.string().optional(),
});

/** GET /project/{key} */
export const projectSchema = z.looseObject({ key: z.string(), name: z.string() });

export const versionSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  archived: z.boolean().default(false),
  released: z.boolean().default(false),
  releaseDate: z.string().nullish(),
  startDate: z.string().nullish(),
});

export type JiraVersion = z.infer<typeof versionSchema>;

/** GET /project/{key}/version: a page of versions. */
export const versionPageSchema = z.looseObject({
  values: z.array(versionSchema).default([]),
  isLast: z.boolean().optional(),
  total: z.number().optional(),
});

const historyItem = z.looseObject({
  field: z.string().optional(),
  fieldId: z.string().optional(),
  /** For a status change: the statuses' ids, which outlive a rename. */
  from: z.string().nullish(),
  to: z.string().nullish(),
  fromString: z.string().nullish(),
  toString: z.string().nullish(),
});
const history = z.looseObject({ created: z.union([z.string(), z.number()]), items: z.array(historyItem).default([]) });

/** GET /rest/api/2/issue/{key}?expand=changelog (Data Center). */
export const changelogSchema = z.looseObject({
  changelog: z.looseObject({ histories: z.array(history).default([]) }).optional(),
});

/** POST /rest/api/3/changelog/bulkfetch (Cloud). */
export const bulkChangelogSchema = z.looseObject({
  issueChangeLogs: z.array(z.looseObject({ issueId: z.string(), changeHistories: z.array(history).default([]) })).default([]),
  nextPageToken: z.string().nullish(),
});

/** One change of an issue's status, oldest first. */
export interface StatusChange {
  /** ISO time */
  at: string;
  /** Status names, as they were called at the time. */
  from: string | null;
  to: string | null;
  /** Status ids, when Jira sent them. */
  fromId: string | null;
  toId: string | null;
}

/** GET /status: every status of the site with its category. */
export const statusListSchema = z.array(
  z.looseObject({
    id: z.string(),
    name: z.string(),
    statusCategory: z.looseObject({ key: z.string() }),
  }),
);

/** A status of the site. */
export interface JiraStatus {
  id: string;
  name: string;
  /** Its category's key: "new" (To Do), "indeterminate" (In Progress) or "done". */
  category: string;
}

/** GET /rest/api/3/field */
export const fieldListSchema = z.array(
  z.looseObject({
    id: z.string(),
    name: z.string(),
    schema: z.looseObject({ type: z.string().optional(), custom: z.string().optional() }).optional(),
  }),
);

export type JiraField = z.infer<typeof fieldListSchema>[number];
