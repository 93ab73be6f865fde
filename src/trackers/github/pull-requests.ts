/**
 * The viewer's pull requests, for `cloud status update`: who the token belongs to and their open pull
 * requests (draft or not, when opened, when a review was first requested, whether anyone reviewed), and
 * the pull requests they merged since a day. Each a named operation through the shared transport,
 * 100 a page, following cursors to the end, asking only for what the update prints.
 */
import { z } from "../../text/zod.js";
import { RemoteError } from "../../errors.js";
import { operation, type CallOptions, type Operation, type Transport } from "./graphql-transport.js";

const PAGE_SIZE = 100;
/** GitHub's search returns at most 1,000 results. */
const SEARCH_PAGES = 10;

export type ReviewDecision = "APPROVED" | "CHANGES_REQUESTED" | "REVIEW_REQUIRED";

export interface OpenPullRequest {
  /** owner/repo#123 */
  ref: string;
  title: string;
  url: string;
  draft: boolean;
  /** ISO time it was opened. */
  createdAt: string;
  /** ISO time a review was first requested, or null when none was. */
  reviewRequestedAt: string | null;
  /** Submitted reviews (pending ones, a reviewer's unsent drafts, are not counted). */
  reviews: number;
  reviewDecision: ReviewDecision | null;
}

export interface MergedPullRequest {
  ref: string;
  title: string;
  url: string;
  /** ISO time. */
  mergedAt: string;
}

export interface ViewerPullRequests {
  /** The login of the token's user. */
  login: string;
  /** Open, oldest first. */
  open: OpenPullRequest[];
}

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.nullable(z.string()) });
const repository = z.object({ nameWithOwner: z.string() });

const openNode = z.object({
  number: z.number().check(z.int()),
  title: z.string(),
  url: z.string(),
  isDraft: z.boolean(),
  createdAt: z.string(),
  reviewDecision: z.nullable(z.enum(["APPROVED", "CHANGES_REQUESTED", "REVIEW_REQUIRED"])),
  repository,
  reviews: z.nullable(z.object({ totalCount: z.number().check(z.int()) })),
  timelineItems: z.object({ nodes: z.array(z.nullable(z.object({ createdAt: z.optional(z.string()) }))) }),
});

const VIEWER_PULL_REQUESTS = operation(
  /* GraphQL */ `
query ViewerPullRequests($after: String) {
  viewer {
    login
    pullRequests(states: [OPEN], first: ${PAGE_SIZE}, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        title
        url
        isDraft
        createdAt
        reviewDecision
        repository { nameWithOwner }
        reviews(first: 1, states: [APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED]) { totalCount }
        timelineItems(first: 1, itemTypes: [REVIEW_REQUESTED_EVENT]) {
          nodes { ... on ReviewRequestedEvent { createdAt } }
        }
      }
    }
  }
}`,
  z.object({
    viewer: z.object({
      login: z.string(),
      pullRequests: z.object({ pageInfo, nodes: z.array(z.nullable(openNode)) }),
    }),
  }),
);

/** A search finds issues too; `... on PullRequest` leaves those empty. */
const mergedNode = z.union([
  z.object({ number: z.number().check(z.int()), title: z.string(), url: z.string(), mergedAt: z.nullable(z.string()), repository }),
  z.strictObject({}),
]);

const MERGED_PULL_REQUESTS = operation(
  /* GraphQL */ `
query MergedPullRequests($search: String!, $after: String) {
  search(type: ISSUE, query: $search, first: ${PAGE_SIZE}, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on PullRequest { number title url mergedAt repository { nameWithOwner } }
    }
  }
}`,
  z.object({ search: z.object({ pageInfo, nodes: z.array(z.nullable(mergedNode)) }) }),
);

type PageOf<T> = { pageInfo: z.infer<typeof pageInfo>; nodes: T[] };

/** Every page of a connection, following cursors; a cursor that does not move is GitHub's fault, not a loop. */
async function allPages<T, N>(
  transport: Transport,
  op: Operation<T>,
  variables: Record<string, unknown>,
  connection: (data: T) => PageOf<N>,
  options: Pick<CallOptions, "signal" | "onWait">,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<{ first: T; nodes: N[] }> {
  let after: string | null = null;
  let first: T | undefined;
  const nodes: N[] = [];
  for (let pages = 1; ; pages++) {
    const { data } = await transport.request(op, { ...variables, after }, options);
    first ??= data;
    const page = connection(data);
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || pages >= maxPages) break;
    if (!page.pageInfo.endCursor || page.pageInfo.endCursor === after) {
      throw new RemoteError(`GitHub's pages for ${op.name} do not end (page ${pages})`, { hint: "Try again later." });
    }
    after = page.pageInfo.endCursor;
  }
  return { first: first!, nodes };
}

/** The viewer's login and open pull requests, oldest first. */
export async function fetchViewerPullRequests(transport: Transport, options: Pick<CallOptions, "signal" | "onWait"> = {}): Promise<ViewerPullRequests> {
  const { first, nodes } = await allPages(transport, VIEWER_PULL_REQUESTS, {}, (data) => data.viewer.pullRequests, options);
  const open = nodes.flatMap((node): OpenPullRequest[] =>
    node
      ? [
          {
            ref: `${node.repository.nameWithOwner}#${node.number}`,
            title: node.title,
            url: node.url,
            draft: node.isDraft,
            createdAt: node.createdAt,
            reviewRequestedAt: node.timelineItems.nodes.find((n) => n?.createdAt)?.createdAt ?? null,
            reviews: node.reviews?.totalCount ?? 0,
            reviewDecision: node.reviewDecision,
          },
        ]
      : [],
  );
  return { login: first.viewer.login, open };
}

/**
 * Pull requests by `author` merged at or after `since`. GitHub's search reads a bare date as a UTC day,
 * so it is asked from the UTC day of `since` and the answer is cut at `since` itself. Oldest first.
 */
export async function fetchMergedPullRequests(
  transport: Transport,
  query: { author: string; since: Date },
  options: Pick<CallOptions, "signal" | "onWait"> = {},
): Promise<MergedPullRequest[]> {
  // A login is letters, digits and dashes; anything else would change the search.
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(query.author)) {
    throw new RemoteError(`GitHub sent a login that is not one ('${query.author}')`, { hint: "Check GITHUB_GRAPHQL_URL." });
  }
  const search = `is:pr is:merged author:${query.author} merged:>=${query.since.toISOString().slice(0, 10)}`;
  const { nodes } = await allPages(transport, MERGED_PULL_REQUESTS, { search }, (data) => data.search, options, SEARCH_PAGES);
  return nodes
    .flatMap((node): MergedPullRequest[] =>
      node && "number" in node && node.mergedAt !== null && Date.parse(node.mergedAt) >= query.since.getTime()
        ? [{ ref: `${node.repository.nameWithOwner}#${node.number}`, title: node.title, url: node.url, mergedAt: node.mergedAt }]
        : [],
    )
    .sort((a, b) => Date.parse(a.mergedAt) - Date.parse(b.mergedAt));
}
