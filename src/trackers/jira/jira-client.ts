/**
 * The Jira client's methods over either deployment's API (jira-api.ts): every request retried as the
 * shared policy says, its failure mapped to a RemoteError, its answer checked with zod, every search
 * paged to its end. Loaded only by connectJira.
 */
import { z } from "../../text/zod.js";
import type { Version2Client } from "jira.js/version2";
import { JIRA_KEY, missingIssue, type LinkedIssue } from "../refs.js";
import { didYouMean } from "../../text/suggest.js";
import { RemoteError, UsageError } from "../../errors.js";
import { chunk, mapLimit } from "../batch.js";
import { send as sendRequest } from "../request.js";
import { defaultRetryPolicy, type RetryPolicy } from "../retry.js";
import { issueFacts, readinessFields } from "./issue-facts.js";
import { classifyJira, describeFailure, retryDecision, toRemoteError, type JiraFailure, type RequestLabel } from "./jira-failures.js";
import type { Deployment, JiraApi } from "./jira-api.js";
import type { JiraClient, JiraIssueSummary, JiraSettings, SearchOptions } from "./jira.js";
import {
  bulkChangelogSchema,
  bulkFetchSchema,
  changelogSchema,
  fieldListSchema,
  issueSchema,
  myselfSchema,
  projectSchema,
  searchSchema,
  statusListSchema,
  versionPageSchema,
  type JiraField,
  type JiraIssue,
  type JiraStatus,
  type StatusChange,
} from "./jira-schemas.js";

/** bulkfetch takes at most this many keys. */
const BULK_FETCH_LIMIT = 100;
/** Batches in flight at once: 500 keys go out together, 5000 do not all hit Jira's rate limit at once. */
const PARALLEL_BATCHES = 5;
/** Issues a search page holds at most (Jira's cap for pages with fields). */
const SEARCH_PAGE = 100;
/** Versions a page holds at most. */
const VERSIONS_PAGE = 50;

const MY_OPEN_ISSUES_JQL = "assignee = currentUser() AND statusCategory != Done ORDER BY updated DESC";
/** Enough for a pick list. */
const MY_OPEN_ISSUES_LIMIT = 50;

export interface ClientOptions {
  retry?: Partial<RetryPolicy> | undefined;
  onRetry?: ((message: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export function createJiraClient(apiFor: () => Promise<JiraApi>, settings: JiraSettings, options: ClientOptions = {}): JiraClient {
  const host = shownHost(settings.host);
  // The deployment is decided on the first request, so a run that asks Jira nothing asks nothing.
  let resolving: Promise<JiraApi> | undefined;
  const getApi = () => (resolving ??= apiFor());

  /** Send one request with retries; map its failure; check its answer. */
  async function send<S extends z.ZodMiniType>(label: RequestLabel, schema: S, request: () => Promise<unknown>): Promise<z.output<S>> {
    const { deployment } = await getApi();
    // axios enforces the timeout and the run's signal itself (set on the client): jira.js takes no per-call signal.
    const body = await sendRequest(
      {
        attempt: () => request(),
        classify: classifyJira,
        decide: retryDecision,
        explain: (failure, attempts) => toRemoteError(failure, label, { host, auth: settings.auth.kind, deployment, timeoutMs: settings.timeoutMs, attempts }),
        onWait: (failure, delayMs) => options.onRetry?.(`Jira at ${host} answered ${describeFailure(failure)}; trying again in ${Math.ceil(delayMs / 1000)}s.`),
      },
      { signal: options.signal, timeoutMs: settings.timeoutMs, policy: { ...defaultRetryPolicy, ...options.retry } },
    );
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
      throw new RemoteError(`Jira at ${host} sent an unexpected answer to ${label.method} ${label.path} (${where}${issue?.message ?? "invalid"})`, {
        hint: "Check that JIRA_HOST is the Jira site's address, such as https://example.atlassian.net.",
      });
    }
    return parsed.data;
  }

  // The site's fields, asked at most once per run (the client lives for one run), for story points and Flagged.
  let fieldList: Promise<JiraField[]> | undefined;
  const fields = () => {
    fieldList ??= (async () => {
      const api = await getApi();
      return send({ method: "GET", path: `${api.prefix}/field` }, fieldListSchema, () => api.getFields());
    })();
    return fieldList;
  };

  let pointsFields: Promise<string[]> | undefined;
  const storyPointsFields = () => {
    pointsFields ??= (async () => {
      const configured = settings.storyPointsField;
      if (configured !== null && /^customfield_\d+$/.test(configured)) return [configured];
      return chooseStoryPointsFields(await fields(), configured, host);
    })();
    return pointsFields;
  };

  let statusList: Promise<JiraStatus[]> | undefined;
  const statuses = () => {
    statusList ??= (async () => {
      const api = await getApi();
      const list = await send({ method: "GET", path: `${api.prefix}/status` }, statusListSchema, () => api.getStatuses());
      return list.map((s) => ({ id: s.id, name: s.name, category: s.statusCategory.key }));
    })();
    return statusList;
  };

  /** GET one issue; a key Jira does not know is a RemoteError with status 404 that names it. */
  const fetchIssue = async (key: string, fields: string[]) => {
    assertKey(key);
    const api = await getApi();
    return send({ method: "GET", path: `${api.prefix}/issue/${key}`, key }, issueSchema, () => api.getIssue(key, fields));
  };

  /** Every issue a query selects, page after page to the end; `limit` stops early (a pick list). */
  async function search(jql: string, fields: string[], searchOptions: SearchOptions = {}): Promise<JiraIssue[]> {
    const api = await getApi();
    const label = { method: "POST", path: api.deployment === "cloud" ? `${api.prefix}/search/jql` : `${api.prefix}/search` } as const;
    const limit = searchOptions.limit ?? Number.POSITIVE_INFINITY;
    const issues: JiraIssue[] = [];
    let nextPageToken: string | undefined;
    for (;;) {
      const maxResults = Math.min(SEARCH_PAGE, limit - issues.length);
      const cursor = api.deployment === "cloud" ? { nextPageToken } : { startAt: issues.length };
      const page = await send(label, searchSchema, () => api.search({ jql, fields, maxResults, cursor, validateQuery: searchOptions.validateQuery }));
      issues.push(...page.issues);
      if (issues.length >= limit || page.issues.length === 0) break;
      if (api.deployment === "cloud") {
        if (page.isLast !== false || !page.nextPageToken) break;
        nextPageToken = page.nextPageToken;
      } else if (page.total === undefined || issues.length >= page.total) {
        break;
      }
    }
    return issues;
  }

  /** Data Center has no bulk fetch: a search by key, with missing keys as warnings, not a failure. */
  async function fetchByKeys(keys: string[], fields: string[]): Promise<JiraIssue[]> {
    const api = await getApi();
    if (api.bulkFetch) {
      const bulkFetch = api.bulkFetch;
      const answer = await send({ method: "POST", path: `${api.prefix}/issue/bulkfetch` }, bulkFetchSchema, () => bulkFetch(keys, fields));
      const failed = answer.issueErrors[0];
      if (failed) {
        // Not "missing": Jira says it could not return these this time. Failing beats judging a gate on a guess.
        throw new RemoteError(
          `Jira at ${host} could not return ${answer.issueErrors.length} linked issue(s) (id ${failed.id ?? "?"}: ${failed.errorMessage ?? "no reason given"})`,
          { hint: "Try again in a minute." },
        );
      }
      return answer.issues;
    }
    return search(`key in (${keys.join(", ")})`, fields, { validateQuery: "warn" });
  }

  /**
   * The issues with these keys, keyed by the key asked for; a key Jira does not have is absent. Bulk
   * fetch on Cloud, a search with validateQuery=warn on Data Center, 100 keys a request, a few at once.
   */
  async function issuesByKeys(keys: readonly string[], fields: string[]): Promise<Map<string, JiraIssue>> {
    const asked = new Set(keys.map((k) => k.trim().toUpperCase()));
    const wanted = [...asked];
    wanted.forEach(assertKey);
    const found = new Map<string, JiraIssue>();
    if (wanted.length === 0) return found;
    const answers = await mapLimit(chunk(wanted, BULK_FETCH_LIMIT), PARALLEL_BATCHES, (batch) => fetchByKeys(batch, fields));
    let movedAnswers = 0;
    for (const issue of answers.flat()) {
      found.set(issue.key, issue);
      if (!asked.has(issue.key)) movedAnswers++;
    }
    // Jira answers a moved issue's old key with the issue under its new key, so the old key looks
    // missing. Only when that happened, ask for each missing key alone to learn which is which.
    const missing = wanted.filter((key) => !found.has(key));
    if (movedAnswers > 0 && missing.length > 0) {
      const moved = await mapLimit(missing, PARALLEL_BATCHES, (key) =>
        fetchIssue(key, fields).catch((error: unknown) => {
          if (error instanceof RemoteError && error.status === 404) return undefined;
          throw error;
        }),
      );
      for (const [i, key] of missing.entries()) {
        const issue = moved[i];
        if (issue) found.set(key, issue);
      }
    }
    // Only the keys asked for: an answer under a new key is already filed under its old one.
    for (const key of [...found.keys()]) if (!asked.has(key)) found.delete(key);
    return found;
  }

  const summary = (issue: JiraIssue): JiraIssueSummary => ({
    key: issue.key,
    summary: issue.fields.summary,
    type: issue.fields.issuetype?.name ?? "",
  });

  const client: JiraClient = {
    kind: "jira",
    name: "Jira",
    host: settings.host,

    lookup: (refs) => client.getLinkedIssues(refs.map((ref) => ref.key)),

    async getIssue(key) {
      return summary(await fetchIssue(key, ["summary", "issuetype"]));
    },

    async getLinkedIssues(keys) {
      const wanted = [...new Set(keys.map((k) => k.trim().toUpperCase()))];
      wanted.forEach(assertKey);
      const result = new Map<string, LinkedIssue>();
      if (wanted.length === 0) return result;
      const points = await storyPointsFields();
      const found = await issuesByKeys(wanted, readinessFields(points));
      for (const key of wanted) {
        const issue = found.get(key);
        result.set(key, issue ? issueFacts(key, issue, points, settings.host) : missingIssue(key));
      }
      return result;
    },

    issuesByKeys,

    async myOpenIssues() {
      return (await search(MY_OPEN_ISSUES_JQL, ["summary", "issuetype"], { limit: MY_OPEN_ISSUES_LIMIT })).map(summary);
    },

    deployment: async () => (await getApi()).deployment,
    search,
    storyPointsFields,
    flaggedField: async () => chooseFlaggedField(await fields()),
    statuses,

    async myself() {
      const api = await getApi();
      const me = await send({ method: "GET", path: `${api.prefix}/myself` }, myselfSchema, () => api.myself());
      return { id: me.accountId ?? me.key ?? me.name ?? "", name: me.displayName ?? me.name ?? me.accountId ?? "", timeZone: me.timeZone ?? null };
    },

    async project(key) {
      const api = await getApi();
      const found = await send({ method: "GET", path: `${api.prefix}/project/${key}`, project: key }, projectSchema, () => api.getProject(key));
      return { key: found.key, name: found.name, url: `${settings.host}/projects/${found.key}` };
    },

    async versions(key) {
      const api = await getApi();
      const versions = [];
      for (let startAt = 0; ; ) {
        const page = await send({ method: "GET", path: `${api.prefix}/project/${key}/version`, project: key }, versionPageSchema, () =>
          api.versionsPage(key, startAt, VERSIONS_PAGE),
        );
        versions.push(...page.values);
        startAt += page.values.length;
        if (page.values.length === 0 || page.isLast === true || (page.total !== undefined && startAt >= page.total)) break;
      }
      return versions;
    },

    async statusChanges(keys, changeOptions = {}) {
      keys.forEach(assertKey);
      const api = await getApi();
      const changes = new Map<string, StatusChange[]>(keys.map((key) => [key, []]));
      if (keys.length === 0) return changes;
      if (api.bulkChangelogs) {
        // Cloud: the status history of up to 1,000 issues a request. Its answer names issues by id: the
        // caller's ids, else one search to learn them.
        const bulkChangelogs = api.bulkChangelogs;
        const known = changeOptions.ids;
        const ids =
          known && keys.every((key) => known.has(key))
            ? keys.map((key) => ({ id: known.get(key), key }))
            : await search(`key in (${keys.join(", ")})`, ["summary"]);
        const keyOf = new Map(ids.map((issue) => [issue.id ?? issue.key, issue.key]));
        for (const batch of chunk(keys, 1000)) {
          let nextPageToken: string | undefined;
          do {
            const token = nextPageToken;
            const page = await send({ method: "POST", path: `${api.prefix}/changelog/bulkfetch` }, bulkChangelogSchema, () => bulkChangelogs(batch, ["status"], token));
            for (const log of page.issueChangeLogs) {
              const key = keyOf.get(log.issueId) ?? log.issueId;
              changes.get(key)?.push(...log.changeHistories.flatMap(statusItems));
            }
            nextPageToken = page.nextPageToken ?? undefined;
          } while (nextPageToken);
        }
      } else {
        // Data Center: each issue's history, expanded with the issue.
        const logs = await mapLimit(keys, PARALLEL_BATCHES, (key) =>
          send({ method: "GET", path: `${api.prefix}/issue/${key}`, key }, changelogSchema, () => api.getIssue(key, ["status"], "changelog")),
        );
        for (const [i, key] of keys.entries()) changes.get(key)!.push(...(logs[i]!.changelog?.histories ?? []).flatMap(statusItems));
      }
      for (const list of changes.values()) list.sort((a, b) => a.at.localeCompare(b.at));
      return changes;
    },
  };
  return client;
}

/** A key that is not one is never sent to Jira. Callers validate first; this guards the URL path. */
function assertKey(key: string): void {
  if (!JIRA_KEY.test(key)) throw new UsageError(`'${key}' is not a Jira issue key (expected something like CLOUD-42)`);
}

/** example.atlassian.net, or jira.example.com/jira for a site under a path. */
function shownHost(host: string): string {
  const url = new URL(host);
  return `${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

const STORY_POINTS_TYPE = "com.pyxis.greenhopper.jira:jsw-story-points";
const STORY_POINTS_NAMES = ["story point estimate", "story points"];

/**
 * The fields that may hold an issue's story points, best first. A site can have both the Jira Software
 * field ("Story point estimate") and the older "Story Points" number field, each used by some
 * projects, so all candidates are fetched and the first one with a value wins.
 */
function chooseStoryPointsFields(fields: readonly JiraField[], configured: string | null, host: string): string[] {
  if (configured !== null) {
    const wanted = configured.toLowerCase();
    const match = fields.find((f) => f.id.toLowerCase() === wanted) ?? fields.find((f) => f.name.toLowerCase() === wanted);
    if (match) return [match.id];
    throw new UsageError(
      `jira.storyPointsField '${configured}' names no field in Jira at ${host}${didYouMean(configured, fields.map((f) => f.name))}`,
      { hint: "Set it to the field's name or id as Jira shows it, such as customfield_10016." },
    );
  }
  const numeric = fields.filter((f) => f.schema?.type === undefined || f.schema.type === "number");
  const byRank = [
    ...numeric.filter((f) => f.schema?.custom === STORY_POINTS_TYPE),
    ...STORY_POINTS_NAMES.flatMap((name) => numeric.filter((f) => f.name.toLowerCase() === name)),
  ];
  const ids = [...new Set(byRank.map((f) => f.id))];
  if (ids.length === 0) {
    throw new UsageError(`cannot find a story points field in Jira at ${host}`, {
      hint: "Set jira.storyPointsField in cloud.config.yaml to the field's name or id, such as customfield_10016.",
    });
  }
  return ids;
}

interface HistoryItem {
  field?: string | undefined;
  fieldId?: string | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
  fromString?: string | null | undefined;
  toString?: string | null | undefined;
}

/** The status transitions of one history entry, with its time as an ISO string. */
function statusItems(history: { created: string | number; items: HistoryItem[] }): StatusChange[] {
  const at = new Date(history.created).toISOString();
  return history.items
    .filter((item) => item.fieldId === "status" || item.field === "status")
    .map((item) => ({ at, from: item.fromString ?? null, to: item.toString ?? null, fromId: item.from ?? null, toId: item.to ?? null }));
}

const FLAGGED_TYPE = "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes";

/** Jira Software's Flagged field (a checkbox field named "Flagged"), or null when the site has none. */
function chooseFlaggedField(fields: readonly JiraField[]): string | null {
  const named = fields.filter((f) => f.name.toLowerCase() === "flagged");
  return (named.find((f) => f.schema?.custom === FLAGGED_TYPE) ?? named[0])?.id ?? null;
}

const serverInfoSchema = z.looseObject({ deploymentType: z.optional(z.string()) });

const deploymentOf = (info: unknown): Deployment => {
  const parsed = serverInfoSchema.safeParse(info);
  return parsed.success && parsed.data.deploymentType?.toLowerCase() === "cloud" ? "cloud" : "datacenter";
};

/**
 * jira.deployment: auto. A host on Atlassian's cloud is Cloud without asking; any other is asked once
 * (GET /rest/api/2/serverInfo, which both deployments serve): "Cloud" is Cloud, anything else Data Center.
 *
 * Jira refuses wrong credentials on every path, serverInfo included, although it serves serverInfo to
 * anyone. So when it refuses them, `anonymous` (a client that sends none) asks once more, and the 401 or
 * 403 then says which deployment the credentials were sent to, as every other refusal does.
 */
export async function detectDeployment(api: Version2Client, settings: JiraSettings, options: ClientOptions = {}, anonymous?: Version2Client): Promise<Deployment> {
  const hostname = new URL(settings.host).hostname.toLowerCase();
  if (hostname.endsWith(".atlassian.net") || hostname === "api.atlassian.com") return "cloud";
  const host = shownHost(settings.host);
  const label = { method: "GET", path: "/rest/api/2/serverInfo" } as const;
  const context = (deployment: Deployment | "unknown", attempts: number) => ({ host, auth: settings.auth.kind, deployment, timeoutMs: settings.timeoutMs, attempts });
  let refused: { failure: JiraFailure; attempts: number } | undefined;
  const ask = (client: Version2Client) =>
    sendRequest(
      {
        attempt: () => client.serverInfo.getServerInfo<unknown>(),
        classify: classifyJira,
        decide: retryDecision,
        explain: (failure, attempts) => {
          if (client === api && failure.kind === "http" && (failure.answer.status === 401 || failure.answer.status === 403)) refused = { failure, attempts };
          return toRemoteError(failure, label, context("unknown", attempts));
        },
      },
      { signal: options.signal, timeoutMs: settings.timeoutMs, policy: { ...defaultRetryPolicy, ...options.retry } },
    );
  try {
    return deploymentOf(await ask(api));
  } catch (error) {
    if (!refused || !anonymous) throw error;
    const { failure, attempts } = refused;
    const deployment = await ask(anonymous).then(deploymentOf, () => undefined);
    if (deployment === undefined) throw error;
    throw toRemoteError(failure, label, context(deployment, attempts));
  }
}
