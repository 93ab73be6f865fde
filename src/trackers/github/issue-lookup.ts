/**
 * Facts the DoR / DoD gates need about linked GitHub issues (`owner/repo#123`), fetched in batches:
 * up to BATCH_SIZE aliased `repository { issueOrPullRequest }` lookups per request, a few requests
 * at a time. A missing repository or issue is `found: false`, not a failure of the whole batch.
 */
import { z } from "../../text/zod.js";
import { hasAcceptanceCriteria, hasDescription } from "../../gates/issue-readiness.js";
import { missingIssue, type IssueRef, type LinkedIssue } from "../refs.js";
import { chunk, mapLimit } from "../batch.js";
import { operation, type CallOptions, type GraphQLErrorInfo, type Transport } from "./graphql-transport.js";

export type GitHubRef = Extract<IssueRef, { kind: "github" }>;

export const BATCH_SIZE = 50;
const PARALLEL_BATCHES = 4;

const assignees = z.object({ nodes: z.array(z.nullable(z.object({ login: z.string() }))) });

const issueOrPullRequest = z.discriminatedUnion("__typename", [
  z.object({
    __typename: z.literal("Issue"),
    url: z.string(),
    title: z.string(),
    closed: z.boolean(),
    stateReason: z.nullable(z.string()),
    body: z.string(),
    assignees,
  }),
  z.object({
    __typename: z.literal("PullRequest"),
    url: z.string(),
    title: z.string(),
    closed: z.boolean(),
    merged: z.boolean(),
    body: z.string(),
    assignees,
  }),
]);

type Found = z.infer<typeof issueOrPullRequest>;

/** Each alias `i<k>` is one lookup; a missing repository nulls the alias, a missing issue its field. */
const batchAnswer = z.record(z.string(), z.nullable(z.object({ issueOrPullRequest: z.nullable(issueOrPullRequest) })));

/** The query for one batch: `$o<k>`, `$r<k>`, `$n<k>` are the owner, repository and number of lookup k. */
function batchQuery(size: number) {
  const variables: string[] = [];
  const lookups: string[] = [];
  for (let k = 0; k < size; k++) {
    variables.push(`$o${k}: String!, $r${k}: String!, $n${k}: Int!`);
    lookups.push(`  i${k}: repository(owner: $o${k}, name: $r${k}) { issueOrPullRequest(number: $n${k}) { ...LinkedIssue } }`);
  }
  return operation(
    /* GraphQL */ `query LinkedIssues(${variables.join(", ")}) {
${lookups.join("\n")}
}

fragment LinkedIssue on IssueOrPullRequest {
  __typename
  ... on Issue { url title closed stateReason body assignees(first: 1) { nodes { login } } }
  ... on PullRequest { url title closed merged body assignees(first: 1) { nodes { login } } }
}`,
    batchAnswer,
  );
}

function isNotFound(error: GraphQLErrorInfo): boolean {
  return error.type === "NOT_FOUND";
}

export async function fetchLinkedIssues(
  transport: Transport,
  refs: readonly GitHubRef[],
  options: Pick<CallOptions, "signal" | "onWait"> = {},
): Promise<Map<string, LinkedIssue>> {
  const unique = [...new Map(refs.map((ref) => [ref.text, ref])).values()];
  const result = new Map<string, LinkedIssue>();
  const runBatch = async (batch: GitHubRef[]) => {
    const variables: Record<string, unknown> = {};
    batch.forEach((ref, k) => Object.assign(variables, { [`o${k}`]: ref.owner, [`r${k}`]: ref.repo, [`n${k}`]: ref.number }));
    const { data } = await transport.request(batchQuery(batch.length), variables, { ...options, tolerate: isNotFound });
    batch.forEach((ref, k) => result.set(ref.text, toLinkedIssue(ref.text, data[`i${k}`]?.issueOrPullRequest ?? null)));
  };
  // A few batches at a time: quick for long lists, gentle on GitHub's secondary rate limits.
  await mapLimit(chunk(unique, BATCH_SIZE), PARALLEL_BATCHES, runBatch);

  return new Map(refs.map((ref) => [ref.text, result.get(ref.text)!]));
}

function toLinkedIssue(ref: string, found: Found | null): LinkedIssue {
  if (!found) return missingIssue(ref);
  const common = {
    ref,
    found: true,
    url: found.url,
    title: found.title,
    assignee: found.assignees.nodes.find((a) => a !== null)?.login ?? null,
    described: hasDescription(found.body),
    acceptanceCriteria: hasAcceptanceCriteria(found.body),
  };
  if (found.__typename === "PullRequest") {
    return { ...common, done: found.merged, state: found.merged ? "merged" : found.closed ? "closed" : "open" };
  }
  // Closed as completed. An issue closed before GitHub had state reasons carries none; GitHub's
  // default reason is "completed", so it counts as done. NOT_PLANNED and DUPLICATE do not.
  const completed = found.closed && (found.stateReason === "COMPLETED" || found.stateReason === null);
  const state = !found.closed ? "open" : completed ? "closed" : `closed as ${found.stateReason!.toLowerCase().replace(/_/g, " ")}`;
  return { ...common, done: completed, state };
}
