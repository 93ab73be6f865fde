/**
 * What the loopback Jira holds and how it shows it: fake issues, versions, projects, statuses and
 * users, each rendered as Jira Cloud (REST v3) or Data Center (REST v2) sends it, and the JQL schema
 * that search evaluates against them. The HTTP side is jira-server.ts, which re-exports the builders.
 */
import type { JqlField, JqlSchema } from "./jql.js";

export type Deployment = "cloud" | "datacenter";
export type StatusCategoryKey = "new" | "indeterminate" | "done";

export interface FakeIssue {
  key: string;
  summary: string;
  /** Issue type name; default "Story". */
  type: string;
  /** Status name; its category comes from `category`. */
  status: string;
  category: StatusCategoryKey;
  /** Display name of the assignee, or null. */
  assignee: string | null;
  points: number | null;
  /** Atlassian Document Format (see adf below), a string, or null. On Data Center ADF is served as wiki markup. */
  description: unknown;
  /** ISO time, for ORDER BY updated DESC. */
  updated: string;
  /** Keys the issue had before it moved to another project; Jira still answers them with this issue. */
  formerKeys?: string[];
  /** Raw extra fields, merged into `fields` (e.g. a second story-points field). */
  extraFields?: Record<string, unknown>;
  /** Numeric id; default derived from the key (CLOUD-42 → "10042" in the first project). */
  id?: string;
  labels?: string[];
  /** Ids of FakeVersions (the versions option) the issue is fixed in. */
  fixVersions?: string[];
  /** issuetype.subtask; default true for a type named "Sub-task" or "Subtask". */
  subtask?: boolean;
  /** Served as the Flagged field: [{ value: "Impediment" }]. */
  flagged?: boolean;
  /** Jira rank: ORDER BY rank uses it; default the order the issues were given in. */
  rank?: number;
  /** ISO times; created defaults to `updated`, statusCategoryChangedDate to the last change of category in `history`, else created. */
  created?: string;
  resolutiondate?: string | null;
  statusCategoryChangedDate?: string;
  /** Status changes, oldest first, served as the changelog. */
  history?: FakeTransition[];
  /** Key of the parent issue (an epic, or the story of a sub-task). */
  parent?: string;
}

export interface FakeTransition {
  /** ISO time of the change. */
  at: string;
  /** Status names. */
  from: string;
  to: string;
  /** Display name of who made it; default the current user. */
  by?: string;
}

export interface FakeVersion {
  id: string;
  name: string;
  /** Project key. */
  project: string;
  description?: string;
  archived?: boolean;
  released?: boolean;
  /** YYYY-MM-DD */
  releaseDate?: string;
  startDate?: string;
  /** Served only when given (Jira computes it from the clock). */
  overdue?: boolean;
}

export interface FakeProject {
  key: string;
  name: string;
  id?: string;
}

export interface FakeStatus {
  name: string;
  category: StatusCategoryKey;
  id?: string;
}

/** The user of the credentials. Cloud identifies users by accountId, Data Center by name and key. */
export interface FakeUser {
  displayName: string;
  accountId?: string;
  name?: string;
  key?: string;
  emailAddress?: string;
  timeZone?: string;
}

export interface FakeField {
  id: string;
  name: string;
  /** schema.custom, e.g. com.pyxis.greenhopper.jira:jsw-story-points */
  custom?: string;
  /** schema.type; default "number" for custom fields. */
  type?: string;
  /** schema.items, for array fields. */
  items?: string;
}

export const FLAGGED_FIELD = "customfield_10021";
const FLAGGED_OPTION = { value: "Impediment", id: "10019" };

const FLAGGED: FakeField = { id: FLAGGED_FIELD, name: "Flagged", custom: "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes", type: "array", items: "option" };

export const DEFAULT_FIELDS: FakeField[] = [
  { id: "summary", name: "Summary", type: "string" },
  { id: "description", name: "Description", type: "string" },
  { id: "customfield_10016", name: "Story point estimate", custom: "com.pyxis.greenhopper.jira:jsw-story-points" },
  { id: "customfield_10020", name: "Sprint", custom: "com.pyxis.greenhopper.jira:gh-sprint", type: "array" },
  FLAGGED,
];

/** Data Center's Jira Software names its story points field "Story Points", a plain number field. */
export const DEFAULT_DC_FIELDS: FakeField[] = [
  { id: "summary", name: "Summary", type: "string" },
  { id: "description", name: "Description", type: "string" },
  { id: "customfield_10016", name: "Story Points", custom: "com.atlassian.jira.plugin.system.customfieldtypes:float" },
  { id: "customfield_10020", name: "Sprint", custom: "com.pyxis.greenhopper.jira:gh-sprint", type: "array" },
  FLAGGED,
];

/** The category a status name usually has, for statuses a test names without one. */
export function categoryOf(status: string): StatusCategoryKey {
  const name = status.trim().toLowerCase();
  if (["to do", "open", "backlog", "reopened", "new", "selected for development"].includes(name)) return "new";
  if (["done", "closed", "resolved", "released", "cancelled", "won't do"].includes(name)) return "done";
  return "indeterminate";
}

export function fakeIssue(key: string, summary: string, rest: Partial<Omit<FakeIssue, "key" | "summary">> = {}): FakeIssue {
  return {
    key,
    summary,
    type: "Story",
    status: "To Do",
    category: rest.status !== undefined && rest.category === undefined ? categoryOf(rest.status) : "new",
    assignee: null,
    points: null,
    description: null,
    updated: "2026-01-01T10:00:00.000+0000",
    ...rest,
  };
}

export function fakeVersion(project: string, id: string, name: string, rest: Partial<Omit<FakeVersion, "project" | "id" | "name">> = {}): FakeVersion {
  return { project, id, name, ...rest };
}

/** Builders for Atlassian Document Format descriptions. */
export const adf = {
  doc: (...content: unknown[]) => ({ type: "doc", version: 1, content }),
  heading: (level: number, text: string) => ({ type: "heading", attrs: { level }, content: [{ type: "text", text }] }),
  paragraph: (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] }),
  bold: (text: string) => ({ type: "paragraph", content: [{ type: "text", text, marks: [{ type: "strong" }] }] }),
  bullets: (...items: string[]) => ({
    type: "bulletList",
    content: items.map((text) => ({ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text }] }] })),
  }),
};

/** A description with an "Acceptance criteria" heading and content under it. */
export const READY_DESCRIPTION = adf.doc(adf.paragraph("Why we do this."), adf.heading(2, "Acceptance criteria"), adf.bullets("It works", "It is tested"));

/** An issue that meets issues-ready: assignee, Fibonacci points, acceptance criteria. */
export function readyIssue(key: string, summary = `Issue ${key}`): FakeIssue {
  return fakeIssue(key, summary, { assignee: "Alice Example", points: 3, description: READY_DESCRIPTION, status: "In Progress", category: "indeterminate" });
}

// ---------------------------------------------------------------------------------------------
// ADF → wiki markup, for Data Center

type AdfNode = { type?: string; text?: string; attrs?: Record<string, unknown>; marks?: { type?: string; attrs?: Record<string, unknown> }[]; content?: AdfNode[] };

/** Atlassian Document Format as the wiki markup a Data Center description holds. */
export function adfToWiki(doc: unknown): string {
  const inline = (nodes: AdfNode[] = []): string =>
    nodes
      .map((n) => {
        if (n.type === "hardBreak") return "\n";
        if (n.type !== "text") return inline(n.content);
        let text = n.text ?? "";
        for (const mark of n.marks ?? []) {
          if (mark.type === "strong") text = `*${text}*`;
          else if (mark.type === "em") text = `_${text}_`;
          else if (mark.type === "code") text = `{{${text}}}`;
          else if (mark.type === "strike") text = `-${text}-`;
          else if (mark.type === "link") text = `[${text}|${String(mark.attrs?.href ?? "")}]`;
        }
        return text;
      })
      .join("");
  const block = (node: AdfNode, bullets: string): string[] => {
    switch (node.type) {
      case "doc":
        return (node.content ?? []).flatMap((n) => block(n, bullets));
      case "heading":
        return [`h${Number(node.attrs?.level ?? 1)}. ${inline(node.content)}`];
      case "bulletList":
      case "orderedList": {
        const prefix = bullets + (node.type === "bulletList" ? "*" : "#");
        return (node.content ?? []).flatMap((item) => {
          const [first, ...rest] = item.content ?? [];
          const line = first && first.type !== "bulletList" && first.type !== "orderedList" ? [`${prefix} ${inline(first.content)}`] : [];
          const nested = (line.length > 0 ? rest : item.content ?? []).flatMap((n) => block(n, prefix));
          return [...line, ...nested];
        });
      }
      case "codeBlock":
        return ["{code}", inline(node.content), "{code}"];
      case "blockquote":
        return ["{quote}", ...(node.content ?? []).flatMap((n) => block(n, bullets)), "{quote}"];
      case "rule":
        return ["----"];
      default:
        return [inline(node.content)];
    }
  };
  return block(doc as AdfNode, "").join("\n");
}

// ---------------------------------------------------------------------------------------------
// The site

export interface SiteOptions {
  issues?: FakeIssue[];
  versions?: FakeVersion[];
  projects?: FakeProject[];
  statuses?: FakeStatus[];
  myself?: FakeUser;
  pointsField?: string;
}

export interface SiteProject {
  id: string;
  key: string;
  name: string;
}

interface SiteStatus {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

/** A FakeIssue with everything it implies worked out. */
export interface SiteIssue {
  fake: FakeIssue;
  id: string;
  key: string;
  number: number;
  project: SiteProject;
  /** Position in the issues option. */
  order: number;
  rank: number;
  labels: string[];
  fixVersions: FakeVersion[];
  created: string;
  resolutiondate: string | null;
  statusCategoryChangedDate: string;
  history: (FakeTransition & { id: string })[];
}

/** Who an answer is for: the site's URL and the deployment, which picks REST v3 or v2 and the shapes. */
export interface Api {
  url: string;
  deployment: Deployment;
}

const CATEGORY = {
  new: { id: 2, key: "new", colorName: "blue-gray", name: "To Do" },
  indeterminate: { id: 4, key: "indeterminate", colorName: "yellow", name: "In Progress" },
  done: { id: 3, key: "done", colorName: "green", name: "Done" },
} as const;

const DEFAULT_STATUSES: FakeStatus[] = [
  { name: "To Do", category: "new", id: "10000" },
  { name: "In Progress", category: "indeterminate", id: "3" },
  { name: "Done", category: "done", id: "10001" },
];
const DEFAULT_TYPES = [
  { name: "Epic", id: "10000", subtask: false },
  { name: "Story", id: "10001", subtask: false },
  { name: "Task", id: "10002", subtask: false },
  { name: "Bug", id: "10003", subtask: false },
  { name: "Sub-task", id: "10004", subtask: true },
];

const KEY = /^([A-Z][A-Z0-9_]*)-(\d+)$/;
const lower = (s: string) => s.toLowerCase();
const base = (api: Api) => `${api.url}/rest/api/${api.deployment === "cloud" ? 3 : 2}`;
const time = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/** An ISO time as Jira writes it: 2026-01-01T10:00:00.000+0000 (UTC). */
export function jiraTime(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().replace("Z", "+0000");
}

export type Site = ReturnType<typeof createSite>;

export function createSite(options: SiteOptions) {
  const pointsField = options.pointsField ?? "customfield_10016";
  const myself = {
    accountId: "5b10a2844c20165700ede21g",
    name: "alice",
    key: "JIRAUSER10000",
    emailAddress: "tester@example.com",
    timeZone: "UTC",
    ...options.myself,
    displayName: options.myself?.displayName ?? "Alice Example",
  };

  // Projects: those given, then those implied by versions and issue keys, in order of appearance.
  const projects = new Map<string, SiteProject>();
  const addProject = (key: string, name = key, id?: string) => {
    if (!projects.has(key)) projects.set(key, { key, name, id: id ?? String(10_000 + projects.size) });
  };
  for (const p of options.projects ?? []) addProject(p.key.toUpperCase(), p.name, p.id);
  for (const v of options.versions ?? []) addProject(v.project.toUpperCase());
  for (const i of options.issues ?? []) {
    const match = KEY.exec(i.key.toUpperCase());
    if (!match) throw new Error(`loopback Jira: '${i.key}' is not an issue key`);
    addProject(match[1]!);
  }
  const projectIndex = (key: string) => [...projects.keys()].indexOf(key);
  const project = (keyOrId: string) => projects.get(keyOrId.toUpperCase()) ?? [...projects.values()].find((p) => p.id === keyOrId);

  const versions = options.versions ?? [];
  const versionById = new Map(versions.map((v) => [v.id, v]));
  if (versionById.size !== versions.length) throw new Error("loopback Jira: two versions share an id");

  // Statuses and issue types by lower-case name; ids stay stable within a run.
  const statuses = new Map<string, SiteStatus>();
  const addStatus = (name: string, category: StatusCategoryKey, id?: string) => {
    if (!statuses.has(lower(name))) statuses.set(lower(name), { name, category, id: id ?? String(10_002 + statuses.size) });
  };
  for (const s of [...DEFAULT_STATUSES, ...(options.statuses ?? [])]) addStatus(s.name, s.category, s.id);
  const types = new Map(DEFAULT_TYPES.map((t) => [lower(t.name), { ...t }]));
  for (const i of options.issues ?? []) {
    addStatus(i.status, i.category);
    for (const h of i.history ?? []) [h.from, h.to].forEach((s) => addStatus(s, categoryOf(s)));
    if (!types.has(lower(i.type))) types.set(lower(i.type), { name: i.type, id: String(10_000 + types.size), subtask: /^sub-?task$/i.test(i.type) });
  }
  const status = (name: string) => statuses.get(lower(name))!;

  let historyId = 100_000;
  const issues: SiteIssue[] = (options.issues ?? []).map((fake, order) => {
    const key = fake.key.toUpperCase();
    const [, projectKey, number] = KEY.exec(key)!;
    const fixVersions = (fake.fixVersions ?? []).map((id) => {
      const version = versionById.get(id);
      if (!version) throw new Error(`loopback Jira: ${key} names fix version ${id}, which is not in the versions option`);
      return version;
    });
    const created = fake.created ?? fake.updated;
    const history = (fake.history ?? []).map((h) => ({ ...h, id: String(historyId++) }));
    const categoryChange = history.filter((h) => status(h.from).category !== status(h.to).category).at(-1);
    return {
      fake,
      id: fake.id ?? String(10_000 + projectIndex(projectKey!) * 100_000 + Number(number)),
      key,
      number: Number(number),
      project: projects.get(projectKey!)!,
      order,
      rank: fake.rank ?? order,
      labels: fake.labels ?? [],
      fixVersions,
      created,
      resolutiondate: fake.resolutiondate ?? null,
      statusCategoryChangedDate: fake.statusCategoryChangedDate ?? (categoryChange ? jiraTime(categoryChange.at) : created),
      history,
    };
  });
  const byKey = new Map(issues.map((i) => [i.key, i]));
  const byId = new Map(issues.map((i) => [i.id, i]));
  if (byKey.size !== issues.length || byId.size !== issues.length) throw new Error("loopback Jira: two issues share a key or an id");

  /** As Jira finds an issue: by its id, its key case-insensitively, or a key it had before it moved. */
  const lookup = (keyOrId: string): SiteIssue | undefined => {
    const upper = keyOrId.toUpperCase();
    return byKey.get(upper) ?? byId.get(keyOrId) ?? issues.find((i) => i.fake.formerKeys?.some((k) => k.toUpperCase() === upper));
  };

  // --- users

  const isMe = (displayName: string) => displayName === myself.displayName;
  const slug = (displayName: string) => displayName.toLowerCase().replace(/[^a-z0-9]+/g, ".").replace(/^\.|\.$/g, "");
  const userIds = (displayName: string) =>
    isMe(displayName)
      ? { accountId: myself.accountId, name: myself.name, key: myself.key }
      : { accountId: `acc-${displayName.replace(/\W/g, "")}`, name: slug(displayName), key: slug(displayName) };
  const userJson = (displayName: string, api: Api) => {
    const ids = userIds(displayName);
    return api.deployment === "cloud"
      ? { self: `${base(api)}/user?accountId=${ids.accountId}`, accountId: ids.accountId, displayName, active: true, accountType: "atlassian" }
      : { self: `${base(api)}/user?username=${ids.name}`, name: ids.name, key: ids.key, displayName, active: true };
  };
  const myselfJson = (api: Api) =>
    api.deployment === "cloud"
      ? {
          self: `${base(api)}/user?accountId=${myself.accountId}`,
          accountId: myself.accountId,
          accountType: "atlassian",
          emailAddress: myself.emailAddress,
          displayName: myself.displayName,
          active: true,
          timeZone: myself.timeZone,
          locale: "en_US",
        }
      : {
          self: `${base(api)}/user?username=${myself.name}`,
          key: myself.key,
          name: myself.name,
          emailAddress: myself.emailAddress,
          displayName: myself.displayName,
          active: true,
          deleted: false,
          timeZone: myself.timeZone,
          locale: "en_US",
        };

  // --- JSON

  const projectJson = (p: SiteProject, api: Api) => ({
    expand: "description,lead,issueTypes,url,projectKeys,permissions,insight",
    self: `${base(api)}/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: "software",
    archived: false,
    ...(api.deployment === "cloud" ? { simplified: false, style: "classic", isPrivate: false } : {}),
  });

  const versionJson = (v: FakeVersion, api: Api) => ({
    self: `${base(api)}/version/${v.id}`,
    id: v.id,
    name: v.name,
    ...(v.description === undefined ? {} : { description: v.description }),
    archived: v.archived ?? false,
    released: v.released ?? false,
    ...(v.startDate === undefined ? {} : { startDate: v.startDate }),
    ...(v.releaseDate === undefined ? {} : { releaseDate: v.releaseDate }),
    ...(v.overdue === undefined ? {} : { overdue: v.overdue }),
    projectId: Number(project(v.project)!.id),
  });

  const statusJson = (name: string, category: StatusCategoryKey, api: Api) => {
    const s = status(name);
    return {
      self: `${base(api)}/status/${s.id}`,
      description: "",
      name,
      id: s.id,
      statusCategory: { self: `${base(api)}/statuscategory/${CATEGORY[category].id}`, ...CATEGORY[category] },
    };
  };

  const typeJson = (issue: SiteIssue, api: Api) => {
    const t = types.get(lower(issue.fake.type))!;
    const subtask = issue.fake.subtask ?? t.subtask;
    return {
      self: `${base(api)}/issuetype/${t.id}`,
      id: t.id,
      name: issue.fake.type,
      subtask,
      ...(api.deployment === "cloud" ? { hierarchyLevel: subtask ? -1 : 0 } : {}),
    };
  };

  const changelogItem = (h: FakeTransition, api: Api) => ({
    field: "status",
    fieldtype: "jira",
    ...(api.deployment === "cloud" ? { fieldId: "status" } : {}),
    from: status(h.from).id,
    fromString: h.from,
    to: status(h.to).id,
    toString: h.to,
  });
  /** One history entry; `created` as Jira's time string, or as epoch millis (bulk changelog). */
  const historyJson = (h: SiteIssue["history"][number], api: Api, created: "text" | "millis" = "text") => ({
    id: h.id,
    author: userJson(h.by ?? myself.displayName, api),
    created: created === "millis" ? Date.parse(h.at) : jiraTime(h.at),
    items: [changelogItem(h, api)],
  });
  const changelogJson = (issue: SiteIssue, api: Api) => ({
    startAt: 0,
    maxResults: issue.history.length,
    total: issue.history.length,
    histories: issue.history.map((h) => historyJson(h, api)),
  });

  const descriptionFor = (description: unknown, api: Api) =>
    api.deployment === "datacenter" && description !== null && typeof description === "object" ? adfToWiki(description) : description;

  /** The issue as Jira sends it, with the fields asked for (all when none are named). */
  const issueJson = (issue: SiteIssue, api: Api, wanted?: string[], expand: string[] = []) => {
    const { fake } = issue;
    const parent = fake.parent === undefined ? undefined : lookup(fake.parent);
    const all: Record<string, unknown> = {
      summary: fake.summary,
      issuetype: typeJson(issue, api),
      status: statusJson(fake.status, fake.category, api),
      assignee: fake.assignee === null ? null : userJson(fake.assignee, api),
      description: descriptionFor(fake.description, api),
      project: projectJson(issue.project, api),
      labels: issue.labels,
      fixVersions: issue.fixVersions.map((v) => versionJson(v, api)),
      created: issue.created,
      updated: fake.updated,
      resolutiondate: issue.resolutiondate,
      resolution: issue.resolutiondate === null ? null : { self: `${base(api)}/resolution/10000`, id: "10000", name: "Done", description: "" },
      statuscategorychangedate: issue.statusCategoryChangedDate,
      ...(parent
        ? {
            parent: {
              id: parent.id,
              key: parent.key,
              self: `${base(api)}/issue/${parent.id}`,
              fields: { summary: parent.fake.summary, status: statusJson(parent.fake.status, parent.fake.category, api), issuetype: typeJson(parent, api) },
            },
          }
        : {}),
      [pointsField]: fake.points,
      [FLAGGED_FIELD]: fake.flagged ? [{ self: `${base(api)}/customFieldOption/${FLAGGED_OPTION.id}`, ...FLAGGED_OPTION }] : null,
      ...fake.extraFields,
    };
    return {
      expand: "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
      id: issue.id,
      self: `${base(api)}/issue/${issue.id}`,
      key: issue.key,
      fields: pickFields(all, wanted),
      ...(expand.includes("changelog") ? { changelog: changelogJson(issue, api) } : {}),
    };
  };

  // --- JQL

  const doesNotExist = (value: string, field: string) => `The value '${value}' does not exist for the field '${field}'.`;
  const unknownKey = (value: string) => {
    if (lookup(value)) return undefined;
    const match = KEY.exec(value.toUpperCase());
    return match && projects.has(match[1]!)
      ? `An issue with key '${value}' does not exist for field 'key'.`
      : `The issue key '${value}' for field 'key' is invalid.`;
  };
  const isSubtask = (t: { name: string; subtask: boolean }) => t.subtask || issues.some((i) => i.fake.subtask && lower(i.fake.type) === lower(t.name));

  const jqlSchema = (deployment: Deployment, now?: number): JqlSchema<SiteIssue> => {
    const me = deployment === "cloud" ? myself.accountId : myself.name;
    const date = (names: string[], value: (i: SiteIssue) => string | null | undefined): JqlField<SiteIssue> => ({
      type: "date",
      names,
      value: (i) => time(value(i) ?? undefined),
    });
    return {
      now,
      fields: [
        {
          type: "values",
          names: ["project"],
          values: (i) => [[i.project.key, i.project.name, i.project.id]],
          unknown: (v) => (project(v) || [...projects.values()].some((p) => lower(p.name) === lower(v)) ? undefined : doesNotExist(v, "project")),
        },
        {
          type: "values",
          names: ["key", "issuekey", "id"],
          values: (i) => [[i.key, i.id, ...(i.fake.formerKeys ?? [])]],
          unknown: unknownKey,
        },
        {
          type: "values",
          names: ["parent"],
          values: (i) => {
            const parent = i.fake.parent === undefined ? undefined : lookup(i.fake.parent);
            return parent ? [[parent.key, parent.id]] : [];
          },
          unknown: unknownKey,
        },
        { type: "values", names: ["labels"], values: (i) => i.labels.map((l) => [l]) },
        {
          type: "values",
          names: ["status"],
          values: (i) => [[i.fake.status, status(i.fake.status).id]],
          unknown: (v) => (statuses.has(lower(v)) || [...statuses.values()].some((s) => s.id === v) ? undefined : doesNotExist(v, "status")),
        },
        {
          type: "values",
          names: ["statusCategory"],
          values: (i) => {
            const c = CATEGORY[i.fake.category];
            return [[c.name, c.key, String(c.id)]];
          },
          unknown: (v) =>
            Object.values(CATEGORY).some((c) => [c.name, c.key, String(c.id)].some((s) => lower(s) === lower(v))) ? undefined : doesNotExist(v, "statusCategory"),
        },
        {
          type: "values",
          names: ["fixVersion"],
          values: (i) => i.fixVersions.map((v) => [v.id, v.name]),
          unknown: (v) => (versions.some((x) => x.id === v || lower(x.name) === lower(v)) ? undefined : doesNotExist(v, "fixVersion")),
        },
        {
          type: "values",
          names: ["assignee"],
          values: (i) => {
            if (i.fake.assignee === null) return [];
            const ids = userIds(i.fake.assignee);
            return [[i.fake.assignee, ids.accountId, ids.name, ids.key]];
          },
          functions: { currentuser: () => [me] },
        },
        {
          type: "values",
          names: ["resolution"],
          values: (i) => (i.resolutiondate === null ? [] : [["Done", "10000"]]),
          emptyValues: ["Unresolved"],
          unknown: (v) => (["done", "10000"].includes(lower(v)) ? undefined : doesNotExist(v, "resolution")),
        },
        {
          type: "values",
          names: ["issuetype", "type"],
          values: (i) => [[i.fake.type, types.get(lower(i.fake.type))!.id]],
          unknown: (v) => ([...types.values()].some((t) => lower(t.name) === lower(v) || t.id === v) ? undefined : doesNotExist(v, "issuetype")),
          functions: {
            standardissuetypes: () => [...types.values()].filter((t) => !isSubtask(t)).map((t) => t.name),
            subtaskissuetypes: () => [...types.values()].filter(isSubtask).map((t) => t.name),
          },
        },
        {
          type: "values",
          names: ["Flagged", "cf[10021]", FLAGGED_FIELD],
          values: (i) => (i.fake.flagged ? [[FLAGGED_OPTION.value, FLAGGED_OPTION.id]] : []),
          unknown: (v) => ([FLAGGED_OPTION.value, FLAGGED_OPTION.id].some((s) => lower(s) === lower(v)) ? undefined : `The option '${v}' for field 'Flagged' does not exist.`),
        },
        date(["created", "createdDate"], (i) => i.created),
        date(["updated", "updatedDate"], (i) => i.fake.updated),
        date(["resolved", "resolutiondate", "resolutionDate"], (i) => i.resolutiondate),
        date(["statusCategoryChangedDate"], (i) => i.statusCategoryChangedDate),
      ],
      sorts: [
        { names: ["rank"], key: (i) => i.rank },
        { names: ["key", "issuekey"], key: (i) => `${String(projectIndex(i.project.key)).padStart(6, "0")}-${String(i.number).padStart(12, "0")}` },
        { names: ["id"], key: (i) => Number(i.id) },
        { names: ["created", "createdDate"], key: (i) => time(i.created) },
        { names: ["updated", "updatedDate"], key: (i) => time(i.fake.updated) },
        { names: ["resolved", "resolutiondate", "resolutionDate"], key: (i) => time(i.resolutiondate ?? undefined) },
        { names: ["statusCategoryChangedDate"], key: (i) => time(i.statusCategoryChangedDate) },
      ],
    };
  };

  return {
    issues,
    versions,
    lookup,
    project,
    statuses: () => [...statuses.values()],
    myselfJson,
    issueJson,
    historyJson,
    projectJson,
    versionJson,
    statusJson,
    jqlSchema,
  };
}

/** The fields asked for: named ones, `*all` / `*navigable` for every one, `-name` to leave one out. */
export function pickFields(all: Record<string, unknown>, wanted: string[] | undefined): Record<string, unknown> {
  if (wanted === undefined) return all;
  const every = wanted.includes("*all") || wanted.includes("*navigable");
  const left = new Set(wanted.filter((f) => f.startsWith("-")).map((f) => f.slice(1)));
  return Object.fromEntries(Object.entries(all).filter(([id]) => (every || wanted.includes(id)) && !left.has(id)));
}
