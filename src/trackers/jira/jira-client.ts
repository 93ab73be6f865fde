/**
 * The Jira client's methods over a jira.js Version3Client: every request retried as the shared policy
 * says, its failure mapped to a RemoteError, its answer checked with zod. Loaded only by connectJira.
 */
import type { Version3Client } from "jira.js";
import type { z } from "zod";
import { hasAcceptanceCriteria, hasDescription } from "../../gates/issue-readiness.js";
import { JIRA_KEY, missingIssue, type LinkedIssue } from "../refs.js";
import { didYouMean } from "../../text/suggest.js";
import { RemoteError, UsageError } from "../../errors.js";
import { chunk, mapLimit } from "../batch.js";
import { send as sendRequest } from "../request.js";
import { defaultRetryPolicy, type RetryPolicy } from "../retry.js";
import { adfToText } from "./adf.js";
import { classifyJira, describeFailure, retryDecision, toRemoteError, type RequestLabel } from "./jira-failures.js";
import type { JiraClient, JiraIssueSummary, JiraSettings } from "./jira.js";
import { bulkFetchSchema, fieldListSchema, issueSchema, searchSchema, type JiraField, type JiraIssue } from "./jira-schemas.js";

/** bulkfetch takes at most this many keys. */
const BULK_FETCH_LIMIT = 100;
/** Batches in flight at once: 500 keys go out together, 5000 do not all hit Jira's rate limit at once. */
const PARALLEL_BATCHES = 5;

const MY_OPEN_ISSUES_JQL = "assignee = currentUser() AND statusCategory != Done ORDER BY updated DESC";
/** Enough for a pick list. */
const MY_OPEN_ISSUES_LIMIT = 50;

export interface ClientOptions {
  retry?: Partial<RetryPolicy> | undefined;
  onRetry?: ((message: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export function createJiraClient(api: Version3Client, settings: JiraSettings, options: ClientOptions = {}): JiraClient {
  const host = shownHost(settings.host);

  /** Send one request with retries; map its failure; check its answer. */
  async function send<S extends z.ZodType>(label: RequestLabel, schema: S, request: () => Promise<unknown>): Promise<z.output<S>> {
    // axios enforces the timeout and the run's signal itself (set on the client): jira.js takes no per-call signal.
    const body = await sendRequest(
      {
        attempt: () => request(),
        classify: classifyJira,
        decide: retryDecision,
        explain: (failure, attempts) => toRemoteError(failure, label, { host, auth: settings.auth.kind, timeoutMs: settings.timeoutMs, attempts }),
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

  // Story-point field ids, looked up at most once per run (the client lives for one run).
  let pointsFields: Promise<string[]> | undefined;
  const storyPointsFields = () => {
    pointsFields ??= (async () => {
      const configured = settings.storyPointsField;
      if (configured !== null && /^customfield_\d+$/.test(configured)) return [configured];
      const fields = await send({ method: "GET", path: "/rest/api/3/field" }, fieldListSchema, () => api.issueFields.getFields<unknown>());
      return chooseStoryPointsFields(fields, configured, host);
    })();
    return pointsFields;
  };

  /** GET one issue; a key Jira does not know is a RemoteError with status 404 that names it. */
  const fetchIssue = (key: string, fields: string[]) => {
    assertKey(key);
    return send({ method: "GET", path: `/rest/api/3/issue/${key}`, key }, issueSchema, () => api.issues.getIssue<unknown>({ issueIdOrKey: key, fields }));
  };

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
      const asked = new Set(keys.map((k) => k.trim().toUpperCase()));
      const wanted = [...asked];
      wanted.forEach(assertKey);
      const result = new Map<string, LinkedIssue>();
      if (wanted.length === 0) return result;
      const points = await storyPointsFields();
      const fields = ["summary", "status", "assignee", "description", ...points];
      const answers = await mapLimit(chunk(wanted, BULK_FETCH_LIMIT), PARALLEL_BATCHES, (batch) =>
        send({ method: "POST", path: "/rest/api/3/issue/bulkfetch" }, bulkFetchSchema, () =>
          api.issues.bulkFetchIssues<unknown>({ issueIdsOrKeys: batch, fields }),
        ),
      );
      const found = new Map<string, JiraIssue>();
      let movedAnswers = 0;
      for (const answer of answers) {
        const failed = answer.issueErrors[0];
        if (failed) {
          // Not "missing": Jira says it could not return these this time. Failing beats judging a gate on a guess.
          throw new RemoteError(
            `Jira at ${host} could not return ${answer.issueErrors.length} linked issue(s) (id ${failed.id ?? "?"}: ${failed.errorMessage ?? "no reason given"})`,
            { hint: "Try again in a minute." },
          );
        }
        for (const issue of answer.issues) {
          found.set(issue.key, issue);
          if (!asked.has(issue.key)) movedAnswers++;
        }
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
      for (const key of wanted) {
        const issue = found.get(key);
        result.set(key, issue ? linkedIssue(key, issue, points, settings.host) : missingIssue(key));
      }
      return result;
    },

    async myOpenIssues() {
      const answer = await send({ method: "POST", path: "/rest/api/3/search/jql" }, searchSchema, () =>
        api.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost<unknown>({
          jql: MY_OPEN_ISSUES_JQL,
          fields: ["summary", "issuetype"],
          maxResults: MY_OPEN_ISSUES_LIMIT,
        }),
      );
      return answer.issues.map(summary);
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

/** The facts of `issue`, found for the reference `ref` (its key, or a key it had before it moved). */
function linkedIssue(ref: string, issue: JiraIssue, pointsFields: readonly string[], host: string): LinkedIssue {
  const { fields } = issue;
  const values = fields as Record<string, unknown>;
  const points = pointsFields.map((id) => values[id]).find((v): v is number => typeof v === "number");
  const assignee = fields.assignee ? (fields.assignee.displayName ?? fields.assignee.name ?? fields.assignee.accountId ?? "unknown") : null;
  return {
    ref,
    found: true,
    url: `${host}/browse/${issue.key}`,
    title: fields.summary,
    assignee,
    points: points ?? null,
    ...descriptionFacts(adfToText(fields.description)),
    done: fields.status?.statusCategory.key === "done",
    ...(fields.status ? { state: fields.status.name } : {}),
  };
}

function descriptionFacts(text: string): { described: boolean; acceptanceCriteria: boolean } {
  return { described: hasDescription(text), acceptanceCriteria: hasAcceptanceCriteria(text) };
}
