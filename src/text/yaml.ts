/**
 * YAML parsed with positions, and zod problems turned into `file:line:column` messages.
 * Shared by the config loader and the front-matter model. Pure: text in, values or errors out.
 *
 * Hostile input is bounded here, in work proportional to the text:
 *   - nesting deeper than MAX_YAML_DEPTH is refused from the parser's token tree before the library
 *     composes it (composing recurses, and thousands of levels exhaust the stack);
 *   - duplicate keys are found with one Set per mapping (the library's own check, `uniqueKeys`, compares
 *     every key with every other: 100,000 keys took minutes), reported at the second key;
 *   - a key `__proto__`, which the value keeps but zod's records silently drop, is reported by
 *     validateYaml as an unknown key like any other;
 *   - aliases expand at most `maxAliasCount` times.
 */
import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  visit,
  YAMLParseError,
  type CST,
  type Document,
  type Node,
  type Pair,
  type YAMLError,
} from "yaml";
import type { z } from "./zod.js";
import { InputError, InputErrors, type InputProblemAt } from "../errors.js";
import { childId, parsePlainYaml, pathId, type Offsets } from "./plain-yaml.js";
import { didYouMean } from "./suggest.js";

export type YamlPath = readonly PropertyKey[];

/** Deeper nesting is refused; no file this tool reads needs more than a handful of levels. */
export const MAX_YAML_DEPTH = 64;

export interface Position {
  line: number;
  column: number;
}

export interface YamlSource {
  /** File name as shown to the user (relative to the working directory). */
  file: string;
  value: unknown;
  /** Position of the value at `path`, or of the closest parent that exists. */
  locate(path: YamlPath, which?: "key" | "value"): Position;
  where(path: YamlPath, which?: "key" | "value"): string;
  /** `file:line` of the value (or key) at `path`: the form reports show. */
  line(path: YamlPath, which?: "key" | "value"): string;
  /** Paths of keys named `__proto__`, which no schema accepts; validateYaml reports the first. */
  protoKeys?: readonly YamlPath[];
}

export interface ParseYamlOptions {
  file: string;
  /** Lines before the text in its file (front matter starts after the opening `---`). */
  lineOffset?: number;
}

/**
 * YAML with positions. The plain YAML most files are written in is read by plain-yaml.ts, in a
 * fraction of the time; the rest by the yaml library (parseYamlFully), which also words every error.
 */
export function parseYaml(text: string, options: ParseYamlOptions): YamlSource {
  const plain = parsePlainYaml(text);
  if (!plain) return parseYamlFully(text, options);
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineCounter.addNewLine(i + 1);
  return located(plain.value, plain.offsets, [], lineCounter, options);
}

/** The value at each path, and where it starts: what the parse leaves for messages and reports. */
function located(value: unknown, offsets: Offsets, protoKeys: YamlPath[], lineCounter: LineCounter, options: ParseYamlOptions): YamlSource {
  const lineOffset = options.lineOffset ?? 0;
  const locate = (path: YamlPath, which: "key" | "value" = "value"): Position => {
    const p = lineCounter.linePos(offsetAt(offsets, path, which));
    return { line: p.line + lineOffset, column: p.col };
  };
  return {
    file: options.file,
    value,
    locate,
    where: (path, which) => {
      const p = locate(path, which);
      return `${options.file}:${p.line}:${p.column}`;
    },
    line: (path, which) => `${options.file}:${locate(path, which).line}`,
    protoKeys,
  };
}

/** All of YAML, by the yaml library; hostile input bounded as the header says. */
export function parseYamlFully(text: string, options: ParseYamlOptions): YamlSource {
  const lineOffset = options.lineOffset ?? 0;
  const lineCounter = new LineCounter();
  const position = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line + lineOffset, column: p.col };
  };
  const at = (offset: number) => {
    const p = position(offset);
    return `${options.file}:${p.line}:${p.column}`;
  };

  // The parser keeps its own stack, so any depth is safe to tokenise; measure it before composing.
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const tooDeep = firstTooDeep(tokens, MAX_YAML_DEPTH);
  if (tooDeep !== undefined) {
    throw new InputError(`invalid YAML: nested more than ${MAX_YAML_DEPTH} levels deep`, {
      location: at(tooDeep),
      hint: "Flatten the structure; no value here needs that many levels.",
    });
  }
  const doc = composeOne(tokens, text.length);

  const problem = doc.errors[0];
  if (problem) {
    const offset = unclosedFlowStart(doc, problem) ?? problem.pos[0];
    const reason = problem.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new InputError(`invalid YAML: ${reason}`, {
      location: at(offset),
      hint: "Fix the YAML syntax at that position.",
    });
  }
  const keys = walkKeys(doc);
  if (keys.duplicate) {
    const { key, first, second } = keys.duplicate;
    throw new InputError(`invalid YAML: map keys must be unique; '${key}' is already a key on line ${position(first).line}`, {
      location: at(second),
      hint: "Remove one of the two, or merge them.",
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new InputError(`invalid YAML: ${(error as Error).message}`, {
      location: `${options.file}:${1 + lineOffset}:1`,
    });
  }
  // The document is dropped here: a check holds many projects at once, and positions are all it needs.
  return located(value, keys.offsets, keys.proto, lineCounter, options);
}

/** What parseDocument does, from tokens already parsed: one document, composed without uniqueKeys. */
function composeOne(tokens: CST.Token[], length: number): Document.Parsed {
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, strict: true });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, length)) {
    if (!doc) {
      doc = next;
    } else {
      doc.errors.push(new YAMLParseError(next.range.slice(0, 2) as [number, number], "MULTIPLE_DOCS", "more than one document (a second '---')"));
      break;
    }
  }
  return doc!;
}

/** Offset of the first collection nested deeper than `max`, walking the token tree without recursion. */
function firstTooDeep(tokens: readonly CST.Token[], max: number): number | undefined {
  const stack: { token: CST.Token; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  let found: number | undefined;
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      const inner = depth + 1;
      if (inner > max) {
        if (found === undefined || token.offset < found) found = token.offset;
        continue;
      }
      for (const item of token.items) {
        if (item.key) stack.push({ token: item.key, depth: inner });
        if (item.value) stack.push({ token: item.value, depth: inner });
      }
    } else if (token.type === "document" && token.value) {
      stack.push({ token: token.value, depth });
    }
  }
  return found;
}

interface KeyCheck {
  duplicate?: { key: string; first: number; second: number };
  proto: YamlPath[];
  offsets: Offsets;
}

/**
 * One walk over the document, without recursion: where each value and key starts (what `locate`
 * answers from once the document is gone), and the key checks. One Set per mapping,
 * keyed as the value will be (the text of a scalar key), so two keys that make the same property are a
 * duplicate. Collection and alias keys are left to the schema.
 */
function walkKeys(doc: Document.Parsed): KeyCheck {
  const proto: { path: YamlPath; offset: number }[] = [];
  let duplicate: KeyCheck["duplicate"];
  const offsets: Offsets = { value: new Map(), key: new Map() };
  const root = doc.contents as Node | null;
  offsets.value.set("", root?.range?.[0] ?? 0);
  const stack: { node: unknown; path: PropertyKey[]; id: string; at: number }[] = [{ node: root, path: [], id: "", at: root?.range?.[0] ?? 0 }];
  const child = (parent: { id: string; path: readonly PropertyKey[] }, segment: PropertyKey, node: unknown, at: number, keyAt?: number) => {
    const id = childId(parent.id, segment);
    // The first pair of a name wins, as a lookup by name finds it.
    if (!offsets.value.has(id)) {
      offsets.value.set(id, at);
      if (keyAt !== undefined) offsets.key.set(id, keyAt);
    }
    stack.push({ node, path: [...parent.path, segment], id, at });
  };
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node, path } = entry;
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items as Pair[]) {
        const key = pair.key;
        const keyAt = (key as Node | null)?.range?.[0];
        const at = (pair.value as Node | null)?.range?.[0] ?? keyAt ?? entry.at;
        if (isScalar(key)) {
          const name = key.value === null ? "" : String(key.value);
          const offset = keyAt ?? 0;
          const first = seen.get(name);
          if (first !== undefined) {
            if (!duplicate || offset < duplicate.second) duplicate = { key: name, first, second: offset };
          } else {
            seen.set(name, offset);
          }
          if (name === "__proto__") proto.push({ path: [...path, name], offset });
          child(entry, name, pair.value, at, keyAt);
        } else {
          child(entry, isAlias(key) ? key.source : scalarKey(key), pair.value, at, keyAt);
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => child(entry, index, item, (item as Node | null)?.range?.[0] ?? entry.at));
    }
  }
  return { duplicate, proto: proto.sort((a, b) => a.offset - b.offset).map((p) => p.path), offsets };
}

/** The start of the value (or key) at `path`, or of the closest parent that exists. */
function offsetAt(offsets: Offsets, path: YamlPath, which: "key" | "value"): number {
  if (which === "key") {
    const keyAt = offsets.key.get(pathId(path));
    if (keyAt !== undefined) return keyAt;
  }
  for (let length = path.length; length > 0; length--) {
    const at = offsets.value.get(pathId(path.slice(0, length)));
    if (at !== undefined) return at;
  }
  return offsets.value.get("") ?? 0;
}

/**
 * An unclosed `[` or `{` is only noticed where the collection runs into the next line; point at the
 * bracket that was never closed instead, which is the line the user has to fix.
 */
function unclosedFlowStart(doc: Document, problem: YAMLError): number | undefined {
  if (!/^Flow (sequence|map)/.test(problem.message)) return undefined;
  let start: number | undefined;
  visit(doc, {
    Collection(_key, node) {
      if (start === undefined && node.flow && node.range?.[1] === problem.pos[0]) start = node.range[0];
    },
  });
  return start;
}

function scalarKey(key: unknown): string {
  if (key && typeof key === "object" && "value" in key) return String((key as { value: unknown }).value);
  return String(key);
}

/** The keys a zod object schema accepts at `path`, for "did you mean". */
export function knownKeysAt(schema: z.ZodMiniType, path: YamlPath): string[] {
  let current: unknown = schema;
  const unwrap = (s: unknown): unknown => {
    let node = s as { def?: { type?: string; innerType?: unknown; in?: unknown; options?: unknown[] } };
    for (let guard = 0; guard < 10 && node?.def; guard++) {
      const t = node.def.type;
      if (t === "optional" || t === "nullable" || t === "default" || t === "prefault" || t === "readonly" || t === "catch") {
        node = node.def.innerType as typeof node;
      } else if (t === "pipe") {
        node = node.def.in as typeof node;
      } else if (t === "union") {
        const obj = (node.def.options ?? []).find((o) => (o as { def?: { type?: string } }).def?.type === "object");
        if (!obj) return node;
        node = obj as typeof node;
      } else {
        return node;
      }
    }
    return node;
  };
  for (const segment of path) {
    const node = unwrap(current) as { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown; valueType?: unknown } };
    if (node?.def?.type === "object") current = node.def.shape?.[String(segment)];
    else if (node?.def?.type === "array") current = node.def.element;
    else if (node?.def?.type === "record") current = node.def.valueType;
    else return [];
  }
  const node = unwrap(current) as { def?: { type?: string; shape?: Record<string, unknown> } };
  return node?.def?.type === "object" ? Object.keys(node.def.shape ?? {}) : [];
}

/**
 * Validate a located YAML value. Every problem is reported, each at its position: one InputError, or
 * InputErrors when there are several (a person fixing a file wants them all from one run).
 */
export function validateYaml<S extends z.ZodMiniType>(source: YamlSource, schema: S, what: string): z.output<S> {
  const result = schema.safeParse(source.value);
  const problems: InputProblemAt[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          problems.push({ location: source.where([...issue.path, key], "key"), message: describeIssue({ ...issue, keys: [key] }, schema, what, source) });
        }
      } else {
        // One problem a value: a date that is neither YYYY-MM-DD nor a real day is said once.
        const location = source.where(issue.path, "value");
        if (!problems.some((p) => p.location === location)) problems.push({ location, message: describeIssue(issue, schema, what, source) });
      }
    }
  }
  // zod's strict objects report `__proto__` as unknown, but its records drop it without a word.
  for (const proto of source.protoKeys ?? []) {
    const problem = { location: source.where(proto, "key"), message: `unknown key '${proto.map(String).join(".")}' in ${what}` };
    if (!problems.some((p) => p.location === problem.location && p.message.startsWith(problem.message))) problems.push(problem);
  }
  // In the order of the file, as a person reads it.
  problems.sort((a, b) => positionOf(a.location) - positionOf(b.location));
  if (problems.length === 1) throw new InputError(problems[0]!.message, { location: problems[0]!.location! });
  if (problems.length > 1) throw new InputErrors(problems);
  return (result as { data: z.output<S> }).data;
}

function describeIssue(issue: z.Issue, schema: z.ZodMiniType, what: string, source: YamlSource): string {
  const key = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const name = issue.keys[0]!;
    const full = [...issue.path.map(String), name].join(".");
    return `unknown key '${full}' in ${what}${didYouMean(name, knownKeysAt(schema, issue.path))}`;
  }
  const at = key ? `'${key}'` : what;
  if (issue.code === "invalid_type") {
    const value = valueAt(source.value, issue.path);
    if (value === undefined) return `${at} is required`;
    // zod's own words ("expected record, received array") are the validator's, not the reader's.
    if (/^Invalid input: expected \w+, received \w+$/.test(issue.message)) return `${at}: expected ${NOUNS[issue.expected] ?? issue.expected}, not ${kindOf(value)}`;
  }
  if (issue.code === "invalid_value" && /^Invalid option: /.test(issue.message)) {
    const values = (issue as { values?: unknown[] }).values ?? [];
    return `${at}: expected one of ${values.map((v) => JSON.stringify(v)).join(", ")}, not ${kindOf(valueAt(source.value, issue.path))}`;
  }
  return `${at}: ${issue.message}`;
}

const NOUNS: Record<string, string> = {
  record: "a mapping of keys to values",
  object: "a mapping of keys to values",
  array: "a list",
  string: "text",
  number: "a number",
  boolean: "true or false",
  date: "a date",
};

/** How a value reads in a message: "a list", "the number 5", "the text 'x'". */
function kindOf(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return `the date ${value.toISOString().slice(0, 10)}`;
  switch (typeof value) {
    case "string": {
      const shown = value.length > 40 ? `${value.slice(0, 39)}…` : value;
      return `the text '${shown}'`;
    }
    case "number":
      return `the number ${value}`;
    case "boolean":
      return String(value);
    case "object":
      return "a mapping";
    default:
      return "nothing";
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** `file:12:3` → a number that orders locations within one file. */
function positionOf(location: string | undefined): number {
  const match = /:(\d+):(\d+)$/.exec(location ?? "");
  return match ? Number(match[1]) * 100_000 + Number(match[2]) : 0;
}
