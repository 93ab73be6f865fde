/**
 * Project items read offline from `gh project item-list --format json`, no network, no token.
 *
 * gh prints `{"items": [...], "totalCount": N}`. Each item has `id`, `content` (`{type, title, body,
 * number, repository, url}` for an Issue or PullRequest, `{type: "DraftIssue", title, body}` for a
 * draft, null when redacted) and one key per field value that is set, named after the field with its
 * first letter lower-cased ("Status" → `status`, "Story Points" → `story Points`): a single-select or
 * text value is a string, a number a number, a milestone `{title, description, dueOn}` (dueOn "" when
 * none), an iteration `{title, startDate, duration}`. (gh's pkg/cmd/project/shared/format/json.go.)
 * The JSON has no open/closed state and no archived flag, so here an item is done only by its status.
 */
import { InputError } from "../../errors.js";
import { iterationDueOn, toDay, type ItemContent, type MilestoneValue, type ProjectItem } from "../summary.js";

export interface ItemListFields {
  milestoneField: string;
  statusField: string;
  estimateField: string;
}

export interface ItemList {
  items: ProjectItem[];
  /** gh's `totalCount`: the project's item count, which is more than `items` when gh's --limit cut the list. */
  totalCount: number | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** `source` names the input in messages: a path relative to the working directory, or "stdin". */
export function parseItemList(text: string, source: string, fields: ItemListFields): ItemList {
  const doc = parseJson(text.replace(/^\uFEFF/, ""), source);
  const fail = (path: string, expected: string): never => {
    throw new InputError(`expected ${expected} at ${path}; is this the output of \`gh project item-list --format json\`?`, { location: source });
  };
  // Old gh versions printed the bare array of items.
  const list = Array.isArray(doc) ? doc : isObject(doc) && Array.isArray(doc.items) ? doc.items : fail("the top level", 'an object with an "items" array');
  const totalCount = isObject(doc) && typeof doc.totalCount === "number" ? doc.totalCount : null;

  const items = list.map((raw, i): ProjectItem => {
    const at = `items[${i}]`;
    if (!isObject(raw)) return fail(at, "an object");
    const milestone = fieldValue(raw, fields.milestoneField);
    const status = fieldValue(raw, fields.statusField);
    const estimate = fieldValue(raw, fields.estimateField);
    if (status !== undefined && status !== null && typeof status !== "string") fail(`${at}.${keyOf(fields.statusField)}`, "a string (the status)");
    if (estimate !== undefined && estimate !== null && typeof estimate !== "number") fail(`${at}.${keyOf(fields.estimateField)}`, "a number (the estimate)");
    return {
      // gh does not say whether an item is archived.
      archived: false,
      content: toContent(raw.content, `${at}.content`, fail),
      milestone: toMilestone(milestone, `${at}.${keyOf(fields.milestoneField)}`, fail),
      status: typeof status === "string" && status.trim() !== "" ? status : null,
      estimate: typeof estimate === "number" ? estimate : null,
    };
  });
  checkFieldNames(list, source, fields);
  return { items, totalCount };
}

/**
 * gh's key for a field: the name with its first byte lower-cased, as gh's Go code does it. A name that
 * starts with a non-ASCII letter loses that letter: its first byte alone is not valid UTF-8, so Go
 * writes U+FFFD for it and for each byte left of the same character ("État" → "\uFFFD\uFFFDtat").
 */
export function keyOf(fieldName: string): string {
  const first = fieldName.codePointAt(0);
  if (first === undefined) return fieldName;
  const char = String.fromCodePoint(first);
  if (first < 0x80) return char.toLowerCase() + fieldName.slice(char.length);
  return "\uFFFD".repeat(Buffer.byteLength(char, "utf8")) + fieldName.slice(char.length);
}

/** Keys of an item that are not field values. */
const ITEM_KEYS = new Set(["id", "content"]);

/**
 * Every field the command reads must be in the file: a misspelt name would otherwise put every item
 * under "no milestone", or count nothing done or no points, without a word.
 */
function checkFieldNames(list: Json[], source: string, fields: ItemListFields): void {
  const keys = new Set<string>();
  for (const item of list) if (isObject(item)) for (const key of Object.keys(item)) if (!ITEM_KEYS.has(key)) keys.add(key);
  if (list.length === 0) return;
  const checks: [string, string][] = [
    [fields.milestoneField, "--field or github.milestoneField"],
    [fields.statusField, "github.statusField"],
    [fields.estimateField, "github.estimateField"],
  ];
  for (const [name, setting] of checks) {
    if (findKey(keys, name) !== undefined) continue;
    const have = [...keys].sort().map((k) => `'${k}'`).join(", ");
    throw new InputError(`no item has a value for the field '${name}' (${setting}); the fields in the file are ${have || "none"}`, {
      location: source,
      hint: "Check the spelling against the project's field names, or pass --field.",
    });
  }
}

/** The key of a field in gh's JSON: gh's key first, then the name as written, then any case. */
function findKey(keys: Set<string>, fieldName: string): string | undefined {
  for (const key of [keyOf(fieldName), fieldName]) if (keys.has(key)) return key;
  const lower = fieldName.toLowerCase();
  return [...keys].find((k) => k.toLowerCase() === lower);
}

/** The value of a field on an item. */
function fieldValue(item: JsonObject, fieldName: string): Json | undefined {
  const key = findKey(new Set(Object.keys(item)), fieldName);
  return key === undefined ? undefined : item[key];
}

function toContent(content: Json | undefined, at: string, fail: (path: string, expected: string) => never): ItemContent {
  if (content === null || content === undefined) return { type: "redacted" };
  if (!isObject(content) || typeof content.type !== "string") return fail(at, 'an object with a "type"');
  switch (content.type) {
    case "Issue":
      return { type: "issue", closed: null };
    case "PullRequest":
      return { type: "pull-request", closed: null };
    case "DraftIssue":
      return { type: "draft" };
    default:
      // gh leaves content empty for items the token cannot see.
      return content.type === "" ? { type: "redacted" } : fail(`${at}.type`, "Issue, PullRequest or DraftIssue");
  }
}

function toMilestone(value: Json | undefined, at: string, fail: (path: string, expected: string) => never): MilestoneValue | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value.trim() === "" ? null : { name: value, dueOn: null };
  if (typeof value === "number") return { name: String(value), dueOn: null };
  if (isObject(value) && typeof value.title === "string") {
    if (value.title.trim() === "") return null;
    if (typeof value.startDate === "string" && typeof value.duration === "number") {
      return { name: value.title, dueOn: value.startDate ? iterationDueOn(value.startDate, value.duration) : null };
    }
    return { name: value.title, dueOn: typeof value.dueOn === "string" ? toDay(value.dueOn) : null };
  }
  return fail(at, "a milestone {title, dueOn}, an iteration {title, startDate, duration} or a string");
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON.parse, with a syntax error reported as file:line:column. */
function parseJson(text: string, source: string): Json {
  if (text.trim() === "") throw new InputError("the input is empty; expected the output of `gh project item-list --format json`", { location: source });
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    const message = (error as Error).message;
    const before = text.slice(0, errorOffset(text, message)).split("\n");
    const reason = message.replace(/, (\.\.\.)?".*" is not valid JSON$/s, "").replace(/\s*(in JSON )?at position \d+.*$/s, "");
    throw new InputError(`not valid JSON: ${reason}`, { location: `${source}:${before.length}:${before.at(-1)!.length + 1}` });
  }
}

/** Where JSON.parse failed. V8 names the position, except for an unexpected token. */
function errorOffset(text: string, message: string): number {
  const position = (m: string) => /at position (\d+)/.exec(m)?.[1];
  const named = position(message);
  if (named !== undefined) return Number(named);
  // The bad token starts where the longest prefix that could still begin a valid document ends.
  const viable = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      const m = (error as Error).message;
      return /end of JSON input/.test(m) || Number(position(m) ?? -1) >= length;
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (viable(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
