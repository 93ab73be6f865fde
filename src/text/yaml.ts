/**
 * YAML parsed with positions, and zod problems turned into `file:line:column` messages.
 * Shared by the config loader and the front-matter model. Pure: text in, values or errors out.
 */
import { isMap, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLError } from "yaml";
import type { z } from "zod";
import { InputError } from "../errors.js";
import { didYouMean } from "./suggest.js";

export type YamlPath = readonly PropertyKey[];

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
}

export interface ParseYamlOptions {
  file: string;
  /** Lines before the text in its file (front matter starts after the opening `---`). */
  lineOffset?: number;
}

export function parseYaml(text: string, options: ParseYamlOptions): YamlSource {
  const lineOffset = options.lineOffset ?? 0;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const position = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line + lineOffset, column: p.col };
  };
  const problem = doc.errors[0];
  if (problem) {
    const p = position(unclosedFlowStart(doc, problem) ?? problem.pos[0]);
    const reason = problem.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new InputError(`invalid YAML: ${reason}`, {
      location: `${options.file}:${p.line}:${p.column}`,
      hint: "Fix the YAML syntax at that position.",
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
  const locate = (path: YamlPath, which: "key" | "value" = "value"): Position => {
    const range = rangeAt(doc, path, which);
    return position(range ?? 0);
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
  };
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

function rangeAt(doc: Document, path: YamlPath, which: "key" | "value"): number | undefined {
  let node: unknown = doc.contents;
  let found: number | undefined = (node as Node | null)?.range?.[0];
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item: Pair) => scalarKey(item.key) === String(segment));
      if (!pair) return found;
      const keyStart = (pair.key as Node | null)?.range?.[0];
      if (last && which === "key" && keyStart !== undefined) return keyStart;
      node = pair.value;
      found = (pair.value as Node | null)?.range?.[0] ?? keyStart ?? found;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      found = (node as Node | null)?.range?.[0] ?? found;
    } else {
      return found;
    }
  }
  return found;
}

function scalarKey(key: unknown): string {
  if (key && typeof key === "object" && "value" in key) return String((key as { value: unknown }).value);
  return String(key);
}

/** The keys a zod object schema accepts at `path`, for "did you mean". */
export function knownKeysAt(schema: z.ZodType, path: YamlPath): string[] {
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

/** Validate a located YAML value; the first problem becomes an InputError at its position. */
export function validateYaml<S extends z.ZodType>(source: YamlSource, schema: S, what: string): z.output<S> {
  const result = schema.safeParse(source.value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new InputError(describeIssue(issue, schema, what), {
    location: issue.code === "unrecognized_keys"
      ? source.where([...issue.path, issue.keys[0]!], "key")
      : source.where(issue.path, "value"),
  });
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType, what: string): string {
  const key = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const name = issue.keys[0]!;
    const full = [...issue.path.map(String), name].join(".");
    return `unknown key '${full}' in ${what}${didYouMean(name, knownKeysAt(schema, issue.path))}`;
  }
  const at = key ? `'${key}'` : what;
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) return `${at} is required`;
  return `${at}: ${issue.message}`;
}
