/**
 * The part of JQL the loopback Jira understands: a tokenizer, a recursive-descent parser and an
 * evaluator over any item type, in time linear in the query. What a field means (which values an item
 * holds, which values exist on the site, how it sorts) comes from a JqlSchema; this file knows only
 * the language.
 *
 *   query    := [or] [ORDER BY sort {, sort}]
 *   or       := and {OR and}                 (also ||)
 *   and      := unary {AND unary}            (also &&)
 *   unary    := NOT unary | ( or ) | clause   (also !)
 *   clause   := field op operand
 *   op       := = | != | > | >= | < | <= | IN | NOT IN | IS | IS NOT
 *   operand  := value | function | ( item {, item} ) | EMPTY | NULL
 *   value    := word | number | "..." | '...'
 *   function := name ( [value {, value}] )
 *   sort     := field [ASC | DESC]
 *
 * Keywords and field names are case-insensitive. Date values are `YYYY-MM-DD`, `YYYY-MM-DD HH:mm`
 * (or with `/`), taken as UTC, or a period such as `-5d`, `2w`, `-3h`, `30m` relative to the schema's
 * `now`. `~` and `!~` are recognised but no field supports them here.
 *
 * compileJql throws a JqlError with Jira's message when the query does not parse or names a field,
 * function or operator that is not supported; values that name nothing on the site (an issue key that
 * does not exist, an unknown status) are returned as `problems` for the caller to answer as errors or
 * warnings, as Jira's validateQuery does.
 */

export class JqlError extends Error {}

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = "word" | "string" | "op" | "(" | ")" | "," | "end";
interface Token {
  kind: TokenKind;
  /** The word, the unquoted string, or the operator; "" at the end. */
  text: string;
  /** Offset in the query. */
  at: number;
}

const OPERATOR_CHARS = "=!<>~&|";
const SPECIAL = `()," '${OPERATOR_CHARS}`;

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")" || c === ",") {
      tokens.push({ kind: c, text: c, at: i++ });
    } else if (c === '"' || c === "'") {
      const start = i++;
      let text = "";
      while (i < query.length && query[i] !== c) {
        if (query[i] === "\\" && i + 1 < query.length) i++;
        text += query[i++];
      }
      if (i >= query.length) throw syntax(query, start, `The quoted string '${text}' has not been completed`);
      i++;
      tokens.push({ kind: "string", text, at: start });
    } else if (OPERATOR_CHARS.includes(c)) {
      const two = query.slice(i, i + 2);
      const op = ["!=", ">=", "<=", "!~", "&&", "||"].includes(two) ? two : c;
      tokens.push({ kind: "op", text: op, at: i });
      i += op.length;
    } else {
      const start = i;
      while (i < query.length && !SPECIAL.includes(query[i]!) && !/\s/.test(query[i]!)) i++;
      tokens.push({ kind: "word", text: query.slice(start, i), at: start });
    }
  }
  tokens.push({ kind: "end", text: "", at: query.length });
  return tokens;
}

function syntax(query: string, at: number, message: string): JqlError {
  const before = query.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  return new JqlError(`Error in the JQL Query: ${message}. (line ${line}, character ${column})`);
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

export type Operator = "=" | "!=" | ">" | ">=" | "<" | "<=" | "~" | "!~" | "in" | "not in" | "is" | "is not";

export type Operand =
  | { kind: "value"; text: string }
  | { kind: "function"; name: string; args: string[] }
  | { kind: "empty" }
  | { kind: "list"; items: Operand[] };

export type Expr =
  | { kind: "and" | "or"; items: Expr[] }
  | { kind: "not"; item: Expr }
  | { kind: "clause"; field: string; operator: Operator; operand: Operand };

export interface SortKey {
  field: string;
  descending: boolean;
}

export interface ParsedJql {
  where: Expr | null;
  orderBy: SortKey[];
}

const KEYWORDS = new Set(["and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"]);

export function parseJql(query: string): ParsedJql {
  const tokens = tokenize(query);
  let next = 0;
  const peek = () => tokens[next]!;
  const take = () => tokens[next++]!;
  const isWord = (t: Token, word: string) => t.kind === "word" && t.text.toLowerCase() === word;
  const shown = (t: Token) => (t.kind === "end" ? "the end of the query" : `'${t.text}'`);
  const fail = (t: Token, expecting: string): never => {
    throw syntax(query, t.at, `Expecting ${expecting} but got ${shown(t)}`);
  };
  const atOr = (t: Token) => isWord(t, "or") || (t.kind === "op" && (t.text === "||" || t.text === "|"));
  const atAnd = (t: Token) => isWord(t, "and") || (t.kind === "op" && (t.text === "&&" || t.text === "&"));
  const atNot = (t: Token) => isWord(t, "not") || (t.kind === "op" && t.text === "!");

  const or = (): Expr => {
    const items = [and()];
    while (atOr(peek())) {
      take();
      items.push(and());
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  };
  const and = (): Expr => {
    const items = [unary()];
    while (atAnd(peek())) {
      take();
      items.push(unary());
    }
    return items.length === 1 ? items[0]! : { kind: "and", items };
  };
  const unary = (): Expr => {
    const t = peek();
    if (atNot(t)) {
      take();
      return { kind: "not", item: unary() };
    }
    if (t.kind === "(") {
      take();
      const inner = or();
      if (peek().kind !== ")") fail(peek(), "')'");
      take();
      return inner;
    }
    return clause();
  };
  const fieldName = (): string => {
    const t = take();
    if (t.kind === "string" || (t.kind === "word" && !KEYWORDS.has(t.text.toLowerCase()))) return t.text;
    return fail(t, "a field name");
  };
  const operator = (): Operator => {
    const t = take();
    if (t.kind === "op" && ["=", "!=", ">", ">=", "<", "<=", "~", "!~"].includes(t.text)) return t.text as Operator;
    if (isWord(t, "in")) return "in";
    if (isWord(t, "not") && isWord(peek(), "in")) {
      take();
      return "not in";
    }
    if (isWord(t, "is")) {
      if (isWord(peek(), "not")) {
        take();
        return "is not";
      }
      return "is";
    }
    return fail(t, "an operator");
  };
  /** A value, a function call or EMPTY. */
  const single = (): Operand => {
    const t = take();
    if (isWord(t, "empty") || isWord(t, "null")) return { kind: "empty" };
    if (t.kind === "string") return { kind: "value", text: t.text };
    if (t.kind === "word" && !KEYWORDS.has(t.text.toLowerCase())) {
      if (peek().kind !== "(") return { kind: "value", text: t.text };
      take();
      const args: string[] = [];
      while (peek().kind !== ")") {
        const arg = take();
        if (arg.kind !== "word" && arg.kind !== "string") fail(arg, "a function argument");
        args.push(arg.text);
        if (peek().kind === ",") take();
        else if (peek().kind !== ")") fail(peek(), "',' or ')'");
      }
      take();
      return { kind: "function", name: t.text, args };
    }
    return fail(t, "either a value, list or function");
  };
  const operand = (op: Operator): Operand => {
    if (op === "is" || op === "is not") {
      const t = take();
      if (isWord(t, "empty") || isWord(t, "null")) return { kind: "empty" };
      return fail(t, "'EMPTY' or 'NULL'");
    }
    if (peek().kind === "(") {
      take();
      const items = [single()];
      while (peek().kind === ",") {
        take();
        items.push(single());
      }
      if (peek().kind !== ")") fail(peek(), "',' or ')'");
      take();
      return { kind: "list", items };
    }
    const value = single();
    if ((op === "in" || op === "not in") && value.kind !== "function") fail(tokens[next - 1]!, "a list or function");
    return value;
  };
  const clause = (): Expr => {
    const field = fieldName();
    const op = operator();
    const value = operand(op);
    if (value.kind === "list" && op !== "in" && op !== "not in") {
      throw new JqlError(`The operator '${op}' does not support the list of values for the field '${field}'.`);
    }
    return { kind: "clause", field, operator: op, operand: value };
  };

  const where = isWord(peek(), "order") || peek().kind === "end" ? null : or();
  const orderBy: SortKey[] = [];
  if (isWord(peek(), "order")) {
    take();
    if (!isWord(peek(), "by")) fail(peek(), "'by'");
    take();
    do {
      if (orderBy.length > 0) take();
      const field = fieldName();
      let descending = false;
      if (isWord(peek(), "asc") || isWord(peek(), "desc")) descending = take().text.toLowerCase() === "desc";
      orderBy.push({ field, descending });
    } while (peek().kind === ",");
  }
  if (peek().kind !== "end") fail(peek(), where === null && orderBy.length === 0 ? "a field name" : "either 'OR' or 'AND'");
  return { where, orderBy };
}

// ---------------------------------------------------------------------------------------------
// Meaning

/**
 * A field as JQL sees it. "values" fields hold zero or more values, each answering to several
 * spellings (a status to its name and id, a version to its id and name), compared case-insensitively;
 * "date" fields hold one instant or none.
 */
export type JqlField<T> =
  | {
      type: "values";
      /** The names JQL knows it by. */
      names: string[];
      /** Each value the item holds, as the spellings it answers to. */
      values(item: T): string[][];
      /** Why `value` names nothing on the site, or undefined when it does. */
      unknown?(value: string): string | undefined;
      /** Spellings that mean "no value", as `Unresolved` does for resolution. */
      emptyValues?: string[];
      /** The functions the field takes, by lower-case name: the spellings they stand for. */
      functions?: Record<string, (args: string[]) => string[]>;
    }
  | {
      type: "date";
      names: string[];
      /** Epoch milliseconds, or undefined when the item has no such date. */
      value(item: T): number | undefined;
    };

export interface JqlSchema<T> {
  fields: JqlField<T>[];
  /** Sortable fields: the names and a key; undefined sorts last. */
  sorts: { names: string[]; key(item: T): number | string | undefined }[];
  /** The instant relative dates (-5d) count from; without it they are an error. */
  now?: number;
}

export interface CompiledJql<T> {
  /** Whether the query restricts anything (Jira Cloud's search/jql refuses an unbounded one). */
  bounded: boolean;
  matches(item: T): boolean;
  /** For Array.prototype.sort: ORDER BY, then 0. */
  compare(a: T, b: T): number;
  /** Values that name nothing on the site, in Jira's words. */
  problems: string[];
}

export function compileJql<T>(query: string, schema: JqlSchema<T>): CompiledJql<T> {
  const parsed = parseJql(query);
  const byName = new Map<string, JqlField<T>>();
  for (const field of schema.fields) for (const name of field.names) byName.set(name.toLowerCase(), field);
  const problems: string[] = [];
  const predicate = parsed.where === null ? () => true : compileExpr(parsed.where, byName, schema.now, problems);

  const sorts = parsed.orderBy.map(({ field, descending }) => {
    const sort = schema.sorts.find((s) => s.names.some((n) => n.toLowerCase() === field.toLowerCase()));
    if (!sort) {
      throw new JqlError(byName.has(field.toLowerCase()) ? `Not able to sort using field '${field}'.` : unknownField(field));
    }
    return { key: sort.key, sign: descending ? -1 : 1 };
  });
  const compare = (a: T, b: T) => {
    for (const { key, sign } of sorts) {
      const x = key(a);
      const y = key(b);
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return (x < y ? -1 : 1) * sign;
    }
    return 0;
  };
  return { bounded: parsed.where !== null, matches: predicate, compare, problems: [...new Set(problems)] };
}

const unknownField = (name: string) => `Field '${name}' does not exist or you do not have permission to view it.`;
const lower = (s: string) => s.toLowerCase();

function compileExpr<T>(expr: Expr, fields: Map<string, JqlField<T>>, now: number | undefined, problems: string[]): (item: T) => boolean {
  switch (expr.kind) {
    case "and": {
      const items = expr.items.map((e) => compileExpr(e, fields, now, problems));
      return (item) => items.every((p) => p(item));
    }
    case "or": {
      const items = expr.items.map((e) => compileExpr(e, fields, now, problems));
      return (item) => items.some((p) => p(item));
    }
    case "not": {
      const inner = compileExpr(expr.item, fields, now, problems);
      return (item) => !inner(item);
    }
    case "clause": {
      const field = fields.get(expr.field.toLowerCase());
      if (!field) throw new JqlError(unknownField(expr.field));
      return field.type === "values" ? valuesClause(field, expr, problems) : dateClause(field, expr, now);
    }
  }
}

/** The operands of a clause as a flat list (a list operand, or the one operand). */
const operandItems = (operand: Operand): Operand[] => (operand.kind === "list" ? operand.items : [operand]);

function unsupportedOperator(operator: Operator, field: string): JqlError {
  return new JqlError(`The operator '${operator.toUpperCase()}' is not supported by the '${field}' field.`);
}

const VALUE_OPERATORS = new Set<Operator>(["=", "!=", "in", "not in", "is", "is not"]);

function valuesClause<T>(field: Extract<JqlField<T>, { type: "values" }>, clause: Extract<Expr, { kind: "clause" }>, problems: string[]): (item: T) => boolean {
  const { operator, field: name } = clause;
  if (!VALUE_OPERATORS.has(operator)) throw unsupportedOperator(operator, name);
  const empties = new Set((field.emptyValues ?? []).map(lower));
  // Each operand item becomes a set of spellings it matches, or "empty".
  const wanted = operandItems(clause.operand).map((item): Set<string> | "empty" => {
    if (item.kind === "empty") return "empty";
    if (item.kind === "function") {
      const fn = field.functions?.[item.name.toLowerCase()];
      if (!fn) {
        throw new JqlError(
          KNOWN_FUNCTIONS.has(item.name.toLowerCase())
            ? `Function '${item.name}' is not supported for the field '${name}'.`
            : `Unable to find JQL function '${item.name}(${item.args.join(", ")})'.`,
        );
      }
      return new Set(fn(item.args).map(lower));
    }
    if (item.kind === "list") throw new JqlError(`A list is not allowed inside a list for the field '${name}'.`);
    if (empties.has(lower(item.text))) return "empty";
    const problem = field.unknown?.(item.text);
    if (problem) problems.push(problem);
    return new Set([lower(item.text)]);
  });
  const isEmpty = (values: string[][]) => values.length === 0;
  const equals = (values: string[][]) =>
    wanted.some((w) => (w === "empty" ? isEmpty(values) : values.some((spellings) => spellings.some((s) => w.has(lower(s))))));
  switch (operator) {
    case "=":
    case "in":
    case "is":
      return (item) => equals(field.values(item));
    default:
      // As in Jira, "not this value" never matches an item that has no value at all.
      return (item) => {
        const values = field.values(item);
        return !isEmpty(values) && !equals(values);
      };
  }
}

/** Functions Jira has that some field here may not take: named, so the error says which. */
const KNOWN_FUNCTIONS = new Set(["currentuser", "standardissuetypes", "subtaskissuetypes", "now", "startofday", "endofday", "membersof"]);

function dateClause<T>(field: Extract<JqlField<T>, { type: "date" }>, clause: Extract<Expr, { kind: "clause" }>, now: number | undefined): (item: T) => boolean {
  const { operator, field: name } = clause;
  if (operator === "~" || operator === "!~") throw unsupportedOperator(operator, name);
  const wanted = operandItems(clause.operand).map((item): number | "empty" => {
    if (item.kind === "empty") return "empty";
    if (item.kind === "value") return parseDate(item.text, name, now);
    throw new JqlError(
      item.kind === "function" ? `Unable to find JQL function '${item.name}(${item.args.join(", ")})'.` : `A list is not allowed inside a list for the field '${name}'.`,
    );
  });
  const has = (v: number | undefined) => wanted.some((w) => (w === "empty" ? v === undefined : v === w));
  const compare = (test: (v: number, w: number) => boolean) => {
    const bound = wanted[0]!;
    if (bound === "empty") throw new JqlError(`The operator '${operator}' does not support the value EMPTY for the field '${name}'.`);
    return (item: T) => {
      const v = field.value(item);
      return v !== undefined && test(v, bound);
    };
  };
  switch (operator) {
    case "=":
    case "in":
    case "is":
      return (item) => has(field.value(item));
    case "!=":
    case "not in":
    case "is not":
      return (item) => {
        const v = field.value(item);
        return operator === "is not" ? v !== undefined : v !== undefined && !has(v);
      };
    case ">":
      return compare((v, w) => v > w);
    case ">=":
      return compare((v, w) => v >= w);
    case "<":
      return compare((v, w) => v < w);
    case "<=":
      return compare((v, w) => v <= w);
  }
}

const PERIOD_MS = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** A JQL date value as epoch milliseconds (UTC). */
export function parseDate(text: string, field: string, now?: number): number {
  const absolute = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?: (\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (absolute) {
    const [, y, mo, d, h = "0", mi = "0"] = absolute;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
    const back = new Date(ms);
    if (back.getUTCMonth() === Number(mo) - 1 && back.getUTCDate() === Number(d) && Number(h) < 24) return ms;
  }
  const period = /^([-+]?)(\d+)([wdhm])$/.exec(text.trim());
  if (period) {
    if (now === undefined) throw new JqlError(`The loopback Jira needs the 'now' option to read the relative date '${text}' for field '${field}'.`);
    const [, sign, n, unit] = period;
    return now + (sign === "-" ? -1 : 1) * Number(n) * PERIOD_MS[unit as keyof typeof PERIOD_MS];
  }
  throw new JqlError(`Date value '${text}' for field '${field}' is invalid. Valid formats include: 'yyyy-MM-dd', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', or a period such as '-5d'.`);
}
