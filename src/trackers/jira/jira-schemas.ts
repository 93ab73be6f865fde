/**
 * The parts of Jira's REST v3 answers the client reads, checked at the boundary. Objects are loose:
 * Jira sends far more than we read, and new fields must not break us.
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
  key: z.string().regex(JIRA_KEY, "expected an issue key"),
  fields: z.looseObject({
    summary: z.string(),
    issuetype: z.looseObject({ name: z.string() }).nullish(),
    status: z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }) }).nullish(),
    assignee: user.nullish(),
    /** Atlassian Document Format; read by adfToText, which accepts any shape. */
    description: z.unknown().optional(),
  }),
});

export type JiraIssue = z.infer<typeof issueSchema>;

/** POST /rest/api/3/issue/bulkfetch: found issues; keys that do not exist are simply absent. */
export const bulkFetchSchema = z.looseObject({
  issues: z.array(issueSchema).default([]),
  /** Issues Jira could not return this time (a retriable error), by id. Not the missing ones. */
  issueErrors: z.array(z.looseObject({ id: z.string().optional(), errorMessage: z.string().optional() })).default([]),
});

/** POST /rest/api/3/search/jql */
export const searchSchema = z.looseObject({
  issues: z.array(issueSchema).default([]),
});

/** GET /rest/api/3/field */
export const fieldListSchema = z.array(
  z.looseObject({
    id: z.string(),
    name: z.string(),
    schema: z.looseObject({ type: z.string().optional(), custom: z.string().optional() }).optional(),
  }),
);

export type JiraField = z.infer<typeof fieldListSchema>[number];
