/**
 * The few Jira REST calls the client makes, for each deployment: Jira Cloud through jira.js's
 * Version3Client (REST v3: bulk fetch, `search/jql` paged by token, bulk changelogs), Jira Data Center
 * and Server through its Version2Client (REST v2: `search` paged by `startAt`, changelogs per issue).
 * Answers are returned raw; jira-client.ts checks them. Loaded only when Jira is used.
 */
import type { Version2Client } from "jira.js/version2";
import type { Version3Client } from "jira.js/version3";

export type Deployment = "cloud" | "datacenter";

/** A page of a search: a token (Cloud) or an offset (Data Center). */
export type PageCursor = { nextPageToken?: string | undefined } | { startAt: number };

export interface SearchRequest {
  jql: string;
  fields: string[];
  maxResults: number;
  cursor?: PageCursor | undefined;
  /** Data Center: "warn" turns keys that do not exist into warnings instead of a 400. */
  validateQuery?: "strict" | "warn" | undefined;
}

export interface JiraApi {
  readonly deployment: Deployment;
  /** "/rest/api/3" or "/rest/api/2", for messages. */
  readonly prefix: string;
  getIssue(key: string, fields: string[], expand?: string): Promise<unknown>;
  getFields(): Promise<unknown>;
  /** Every status of the site, with its category. */
  getStatuses(): Promise<unknown>;
  search(request: SearchRequest): Promise<unknown>;
  /** Cloud only: up to 100 issues by key in one request. */
  bulkFetch?(keys: string[], fields: string[]): Promise<unknown>;
  /** Cloud only: the changelogs of up to 1,000 issues, one field, paged by token. */
  bulkChangelogs?(keys: string[], fieldIds: string[], nextPageToken?: string): Promise<unknown>;
  myself(): Promise<unknown>;
  getProject(key: string): Promise<unknown>;
  versionsPage(key: string, startAt: number, maxResults: number): Promise<unknown>;
}

export function cloudApi(api: Version3Client): JiraApi {
  return {
    deployment: "cloud",
    prefix: "/rest/api/3",
    getIssue: (key, fields, expand) => api.issues.getIssue<unknown>({ issueIdOrKey: key, fields, ...(expand ? { expand } : {}) }),
    getFields: () => api.issueFields.getFields<unknown>(),
    getStatuses: () => api.workflowStatuses.getStatuses<unknown>(),
    search: ({ jql, fields, maxResults, cursor }) =>
      api.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost<unknown>({
        jql,
        fields,
        maxResults,
        ...(cursor && "nextPageToken" in cursor && cursor.nextPageToken ? { nextPageToken: cursor.nextPageToken } : {}),
      }),
    bulkFetch: (keys, fields) => api.issues.bulkFetchIssues<unknown>({ issueIdsOrKeys: keys, fields }),
    bulkChangelogs: (keys, fieldIds, nextPageToken) =>
      api.issues.getBulkChangelogs<unknown>({ issueIdsOrKeys: keys, fieldIds, maxResults: 1000, ...(nextPageToken ? { nextPageToken } : {}) }),
    myself: () => api.myself.getCurrentUser<unknown>(),
    getProject: (key) => api.projects.getProject<unknown>({ projectIdOrKey: key }),
    versionsPage: (key, startAt, maxResults) => api.projectVersions.getProjectVersionsPaginated<unknown>({ projectIdOrKey: key, startAt, maxResults }),
  };
}

export function dataCenterApi(api: Version2Client): JiraApi {
  return {
    deployment: "datacenter",
    prefix: "/rest/api/2",
    getIssue: (key, fields, expand) => api.issues.getIssue<unknown>({ issueIdOrKey: key, fields, ...(expand ? { expand } : {}) }),
    getFields: () => api.issueFields.getFields<unknown>(),
    getStatuses: () => api.workflowStatuses.getStatuses<unknown>(),
    search: ({ jql, fields, maxResults, cursor, validateQuery }) =>
      api.issueSearch.searchForIssuesUsingJqlPost<unknown>({
        jql,
        fields,
        maxResults,
        startAt: cursor && "startAt" in cursor ? cursor.startAt : 0,
        ...(validateQuery ? { validateQuery } : {}),
      }),
    myself: () => api.myself.getCurrentUser<unknown>(),
    getProject: (key) => api.projects.getProject<unknown>({ projectIdOrKey: key }),
    versionsPage: (key, startAt, maxResults) => api.projectVersions.getProjectVersionsPaginated<unknown>({ projectIdOrKey: key, startAt, maxResults }),
  };
}
