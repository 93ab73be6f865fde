/**
 * The items of a ProjectV2, 100 a page (GitHub's limit), following cursors to the end. Each item
 * carries only what the milestone report needs: the milestone, status and estimate values asked for
 * by field name (aliased `fieldValueByName`, not every field value of every item), archived, type,
 * and whether its issue or pull request is closed. N items cost ceil(N / 100) requests (one for none).
 */
import { z } from "../../text/zod.js";
import { RemoteError } from "../../errors.js";
import { iterationDueOn, toDay, type ItemContent, type MilestoneValue, type ProjectInfo, type ProjectItem } from "../summary.js";
import { checkAnswer, operation, type CallOptions, type GraphQLErrorInfo, type Transport } from "../../trackers/github/graphql-transport.js";

export const PAGE_SIZE = 100;

export interface ProjectQuery {
  /** Login of the organization or user that owns the project. */
  owner: string;
  number: number;
  milestoneField: string;
  statusField: string;
  estimateField: string;
}

export interface ProjectItemsOptions extends Pick<CallOptions, "signal" | "onWait"> {
  /** Called after each page with the items fetched so far and the project's item count. */
  onProgress?: (fetched: number, total: number) => void;
}

/** A field of the project: its name and GitHub's dataType (MILESTONE, ITERATION, SINGLE_SELECT, NUMBER, …). */
export interface ProjectField {
  name: string;
  dataType: string;
}

export interface ProjectItems {
  project: ProjectInfo;
  /** Every field of the project, to check the configured names against. */
  fields: ProjectField[];
  items: ProjectItem[];
}

/**
 * One loose shape for every kind of field value. The query asks for no __typename (it would double the
 * size of a page); which keys are present says what kind of value it is: `milestone` a milestone,
 * `startDate` an iteration, `name` a single-select option, `text` text, `number` a number, none a kind
 * the report does not read.
 */
const fieldValue = z.object({
  milestone: z.optional(z.nullable(z.object({ title: z.string(), dueOn: z.nullable(z.string()) }))),
  title: z.optional(z.string()),
  startDate: z.optional(z.string()),
  duration: z.optional(z.number()),
  name: z.optional(z.nullable(z.string())),
  text: z.optional(z.nullable(z.string())),
  number: z.optional(z.nullable(z.number())),
});

const itemNode = z.object({
  isArchived: z.boolean(),
  type: z.string(),
  milestone: z.nullable(fieldValue),
  status: z.nullable(fieldValue),
  estimate: z.nullable(fieldValue),
  /** Only `closed`, for issues and pull requests; `type` says which kind of content it is. */
  content: z.nullable(z.object({ closed: z.optional(z.boolean()) })),
});

type ItemNode = z.infer<typeof itemNode>;
type FieldValue = z.infer<typeof fieldValue>;

/**
 * A page is checked in two steps: the envelope (with the cursor) at once, the item nodes while the
 * next page is already on its way (see fetchProjectItems).
 */
const itemNodes = z.array(z.nullable(itemNode));

const projectPage = z.object({
  title: z.string(),
  url: z.string(),
  fields: z.optional(z.object({ nodes: z.array(z.nullable(z.partial(z.object({ name: z.string(), dataType: z.string() })))) })),
  items: z.object({
    totalCount: z.number().check(z.int()),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.nullable(z.string()) }),
    nodes: z.array(z.unknown()),
  }),
});

const PROJECT_ITEMS = operation(
  /* GraphQL */ `
query ProjectItems($owner: String!, $number: Int!, $after: String, $firstPage: Boolean!,
                   $milestoneField: String!, $statusField: String!, $estimateField: String!) {
  repositoryOwner(login: $owner) {
    ... on ProjectV2Owner {
      projectV2(number: $number) {
        title
        url
        fields(first: 100) @include(if: $firstPage) {
          nodes { ... on ProjectV2FieldCommon { name dataType } }
        }
        items(first: ${PAGE_SIZE}, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes {
            isArchived
            type
            milestone: fieldValueByName(name: $milestoneField) {
              ... on ProjectV2ItemFieldMilestoneValue { milestone { title dueOn } }
              ... on ProjectV2ItemFieldIterationValue { title startDate duration }
              ... on ProjectV2ItemFieldSingleSelectValue { name }
              ... on ProjectV2ItemFieldTextValue { text }
            }
            status: fieldValueByName(name: $statusField) {
              ... on ProjectV2ItemFieldSingleSelectValue { name }
              ... on ProjectV2ItemFieldTextValue { text }
            }
            estimate: fieldValueByName(name: $estimateField) {
              ... on ProjectV2ItemFieldNumberValue { number }
            }
            content {
              ... on Issue { closed }
              ... on PullRequest { closed }
            }
          }
        }
      }
    }
  }
}`,
  z.object({ repositoryOwner: z.nullable(z.object({ projectV2: z.nullable(projectPage) })) }),
);

type ProjectPage = z.infer<typeof projectPage>;

/** GitHub nulls `projectV2` and says NOT_FOUND when the owner has no such project. */
function isMissingProject(error: GraphQLErrorInfo): boolean {
  return error.type === "NOT_FOUND" && error.path?.at(-1) === "projectV2";
}

export async function fetchProjectItems(transport: Transport, query: ProjectQuery, options: ProjectItemsOptions = {}): Promise<ProjectItems> {
  const call: CallOptions = { tolerate: isMissingProject, ...pick(options) };
  const page = async (after: string | null): Promise<ProjectPage> => {
    const variables = { ...query, after, firstPage: after === null };
    const { data } = await transport.request(PROJECT_ITEMS, variables, call);
    if (!data.repositoryOwner) {
      throw new RemoteError(`GitHub has no user or organization '${query.owner}' (looking for project ${query.number})`, {
        hint: "Check --owner or github.owner in cloud.config.yaml.",
      });
    }
    if (!data.repositoryOwner.projectV2) {
      throw new RemoteError(`GitHub has no project ${query.number} owned by '${query.owner}'`, {
        hint: "Check --owner and --project (the number is in the project's URL); the token also needs the read:project scope.",
      });
    }
    return data.repositoryOwner.projectV2;
  };

  const first = await page(null);
  const fields = (first.fields?.nodes ?? []).flatMap((f) => (f?.name && f.dataType ? [{ name: f.name, dataType: f.dataType }] : []));
  const items: ProjectItem[] = [];
  for (let current = first, pages = 1; ; pages++) {
    const { hasNextPage, endCursor } = current.items.pageInfo;
    // A cursor that does not move would loop forever; and no project has more pages than its count says.
    if (hasNextPage && (!endCursor || pages > Math.ceil(current.items.totalCount / PAGE_SIZE) + 1)) {
      throw new RemoteError(`GitHub's item pages for project ${query.number} do not end (page ${pages})`, { hint: "Try again later." });
    }
    // Ask for the next page first, then read this one while it travels: paging is sequential by
    // nature, so this keeps our own work off the critical path.
    const next = hasNextPage ? page(endCursor) : undefined;
    next?.catch(() => {}); // awaited below; a failure there must not go unhandled if this page fails first
    const nodes = checkAnswer(PROJECT_ITEMS.name, itemNodes, current.items.nodes, ["repositoryOwner", "projectV2", "items", "nodes"]);
    for (const node of nodes) if (node) items.push(toItem(node));
    options.onProgress?.(items.length, current.items.totalCount);
    if (!next) break;
    current = await next;
  }
  return { project: { title: first.title, url: first.url }, fields, items };
}

function pick(options: ProjectItemsOptions): Pick<CallOptions, "signal" | "onWait"> {
  return { ...(options.signal ? { signal: options.signal } : {}), ...(options.onWait ? { onWait: options.onWait } : {}) };
}

function toItem(node: ItemNode): ProjectItem {
  return {
    archived: node.isArchived,
    content: toContent(node),
    milestone: toMilestone(node.milestone),
    status: nonEmpty(node.status?.name ?? node.status?.text),
    estimate: node.estimate?.number ?? null,
  };
}

function toContent(node: ItemNode): ItemContent {
  // A redacted item has type REDACTED and no content; content the token cannot see is the same to us.
  if (node.content === null) return { type: "redacted" };
  switch (node.type) {
    case "ISSUE":
      return { type: "issue", closed: node.content?.closed ?? null };
    case "PULL_REQUEST":
      // `closed` is true for merged pull requests too.
      return { type: "pull-request", closed: node.content?.closed ?? null };
    case "DRAFT_ISSUE":
      return { type: "draft" };
    default:
      return { type: "redacted" };
  }
}

function toMilestone(value: FieldValue | null): MilestoneValue | null {
  if (!value) return null;
  if (value.milestone !== undefined) return value.milestone ? { name: value.milestone.title, dueOn: toDay(value.milestone.dueOn) } : null;
  if (value.startDate !== undefined) return value.title ? { name: value.title, dueOn: iterationDueOn(value.startDate, value.duration ?? 1) } : null;
  const name = nonEmpty(value.name ?? value.text);
  return name === null ? null : { name, dueOn: null };
}

function nonEmpty(text: string | null | undefined): string | null {
  return text === null || text === undefined || text.trim() === "" ? null : text;
}
