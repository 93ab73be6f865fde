/**
 * The parts of Jira's answers the client reads (REST v3 on Cloud, v2 on Data Center), checked at the
 * boundary. Objects are loose: Jira sends far more than we read, and new fields must not break us.
 */
import { z } from "../../text/zod.js";
import { JIRA_KEY } from "../refs.js";

const user = z.looseObject({
  accountId: z.optional(z.string()),
  displayName: z.optional(z.string()),
  /** Data Center users have a name instead of an accountId. */
  name: z.optional(z.string()),
});

/** One issue, with the fields we ask for; custom fields (story points) are read by id from `fields`. */
export const issueSchema = z.looseObject({
  id: z.optional(z.string()),
  key: z.string().check(z.regex(JIRA_KEY, "expected an issue key")),
  fields: z.looseObject({
    /** Absent when a search asks for other fields only. */
    summary: z._default(z.string(), ""),
    issuetype: z.nullish(z.looseObject({ name: z.string(), subtask: z.optional(z.boolean()) })),
    status: z.nullish(z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }) })),
    assignee: z.nullish(user),
    /** Atlassian Document Format (Cloud) or wiki markup (Data Center); read by adfToText or wikiToText, which accept any shape. */
    description: z.optional(z.unknown()),
    fixVersions: z.nullish(z.array(z.looseObject({ id: z.string(), name: z.optional(z.string()) }))),
    labels: z.nullish(z.array(z.string())),
    updated: z.nullish(z.string()),
    resolutiondate: z.nullish(z.string()),
    statusCategoryChangedDate: z.nullish(z.string()),
  }),
});

export type JiraIssue = z.infer<typeof issueSchema>;

/** POST /rest/api/3/issue/bulkfetch: found issues; keys that do not exist are simply absent. */
export const bulkFetchSchema = z.looseObject({
  issues: z._default(z.array(issueSchema), []),
  /** Issues Jira could not return this time (a retriable error), by id. Not the missing ones. */
  issueErrors: z._default(z.array(z.looseObject({ id: z.optional(z.string()), errorMessage: z.optional(z.string()) })), []),
});

/** A search page: POST /rest/api/3/search/jql (token paging) or POST /rest/api/2/search (startAt paging). */
export const searchSchema = z.looseObject({
  issues: z._default(z.array(issueSchema), []),
  nextPageToken: z.nullish(z.string()),
  isLast: z.optional(z.boolean()),
  startAt: z.optional(z.number()),
  total: z.optional(z.number()),
});

/** GET /myself: an accountId on Cloud, a name and key on Data Center. */
export const myselfSchema = z.looseObject({
  accountId: z.optional(z.string()),
  key: z.optional(z.string()),
  name: z.optional(z.string()),
  displayName: z.optional(z.string()),
  timeZone: z.optional(z.string()),
});

/** GET /project/{key} */
export const projectSchema = z.looseObject({ key: z.string(), name: z.string() });

export const versionSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  archived: z._default(z.boolean(), false),
  released: z._default(z.boolean(), false),
  releaseDate: z.nullish(z.string()),
  startDate: z.nullish(z.string()),
});

export type JiraVersion = z.infer<typeof versionSchema>;

/** GET /project/{key}/version: a page of versions. */
export const versionPageSchema = z.looseObject({
  values: z._default(z.array(versionSchema), []),
  isLast: z.optional(z.boolean()),
  total: z.optional(z.number()),
});

const historyItem = z.looseObject({
  field: z.optional(z.string()),
  fieldId: z.optional(z.string()),
  /** For a status change: the statuses' ids, which outlive a rename. */
  from: z.nullish(z.string()),
  to: z.nullish(z.string()),
  fromString: z.nullish(z.string()),
  toString: z.nullish(z.string()),
});
const history = z.looseObject({ created: z.union([z.string(), z.number()]), items: z._default(z.array(historyItem), []) });

/** GET /rest/api/2/issue/{key}?expand=changelog (Data Center). */
export const changelogSchema = z.looseObject({
  changelog: z.optional(z.looseObject({ histories: z._default(z.array(history), []) })),
});

/** POST /rest/api/3/changelog/bulkfetch (Cloud). */
export const bulkChangelogSchema = z.looseObject({
  issueChangeLogs: z._default(z.array(z.looseObject({ issueId: z.string(), changeHistories: z._default(z.array(history), []) })), []),
  nextPageToken: z.nullish(z.string()),
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
    schema: z.optional(z.looseObject({ type: z.optional(z.string()), custom: z.optional(z.string()) })),
  }),
);

export type JiraField = z.infer<typeof fieldListSchema>[number];
