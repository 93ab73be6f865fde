/**
 * The plain YAML that front matter and config files are written in, read in one pass: block mappings
 * and sequences indented with spaces, plain and quoted one-line scalars, one-line flow lists and
 * mappings of scalars, comments. That is nearly every project.md, and reading it this way costs a
 * fraction of the full parser (a check of a thousand projects spends most of its time in YAML).
 *
 * Anything else — anchors, tags, block scalars, multi-line scalars, escapes, tabs, odd keys, a
 * duplicate or `__proto__` key, an error of any kind — is not read here: the answer is undefined and
 * the caller uses the yaml library, which reads all of YAML and words its errors. What is read here
 * gives the same value and the same positions as the library would (test/hardening/plain-yaml.test.ts
 * compares them over generated documents), resolving plain scalars by YAML 1.2's core schema.
 */

/** Where each value (and each mapping key) starts, by path id (see `pathId`). */
export interface Offsets {
  value: Map<string, number>;
  key: Map<string, number>;
}

const SEP = "\u0000";

/** A path as a map key: each segment after a NUL, which no key a person writes contains. */
export function pathId(path: readonly PropertyKey[]): string {
  return path.map((segment) => SEP + String(segment)).join("");
}

export const childId = (parent: string, segment: PropertyKey): string => parent + SEP + String(segment);

interface Line {
  /** Offset of the first character after the indentation. */
  start: number;
  /** Offset of the line's end (its newline, or the end of the text). */
  end: number;
  indent: number;
}

/** Thrown inside to give up; never escapes parsePlainYaml. */
class NotPlain {}
const NOT_PLAIN = new NotPlain();

const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;

/** Nesting this deep is left to the full parser, which refuses what is too deep with its own words. */
const MAX_DEPTH = 32;

/**
 * Tabs and carriage returns (whitespace the library trims in its own ways), other control characters,
 * YAML's other line breaks and the byte-order mark: rare in a file a person writes, and left to the library.
 */
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** Value and positions of `text`, or undefined when it is not the plain YAML read here. */
export function parsePlainYaml(text: string): { value: unknown; offsets: Offsets } | undefined {
  if (UNUSUAL.test(text)) return undefined;
  try {
    return new Reader(text).document();
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}

class Reader {
  private readonly lines: Line[] = [];
  private next = 0;
  private readonly offsets: Offsets = { value: new Map(), key: new Map() };

  constructor(private readonly text: string) {
    for (let start = 0; start <= text.length; ) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      let first = start;
      while (first < end && text.charCodeAt(first) === SPACE) first++;
      // Blank lines and comment lines carry nothing.
      if (first < end && text.charCodeAt(first) !== HASH) this.lines.push({ start: first, end, indent: first - start });
      start = end + 1;
    }
  }

  document(): { value: unknown; offsets: Offsets } {
    const first = this.lines[0];
    if (!first) throw NOT_PLAIN;
    if (first.indent !== 0) throw NOT_PLAIN;
    this.offsets.value.set("", first.start);
    const value = this.block(0, "", 0);
    if (this.next < this.lines.length) throw NOT_PLAIN;
    return { value, offsets: this.offsets };
  }

  /** The mapping or sequence whose lines start at `indent`, from the current line. */
  private block(indent: number, id: string, depth: number): unknown {
    if (depth > MAX_DEPTH) throw NOT_PLAIN;
    const line = this.lines[this.next]!;
    return this.isDash(line) ? this.sequence(indent, id, depth) : this.mapping(indent, id, depth);
  }

  private isDash(line: Line): boolean {
    return this.text.charCodeAt(line.start) === DASH && (line.start + 1 === line.end || this.text.charCodeAt(line.start + 1) === SPACE);
  }

  private mapping(indent: number, id: string, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const text = this.text;
    for (let line = this.lines[this.next]; line && line.indent === indent && !this.isDash(line); line = this.lines[this.next]) {
      this.next++;
      // A key of letters, digits, `_` and `-`, then `:` and a space or the end of the line.
      let i = line.start;
      while (i < line.end && isKeyChar(text.charCodeAt(i))) i++;
      if (i === line.start || text.charCodeAt(i) !== COLON || (i + 1 < line.end && text.charCodeAt(i + 1) !== SPACE)) throw NOT_PLAIN;
      const key = text.slice(line.start, i);
      if (Object.hasOwn(out, key) || key === "__proto__" || plainScalar(key) !== key) throw NOT_PLAIN;
      const keyId = childId(id, key);
      this.offsets.key.set(keyId, line.start);
      out[key] = this.valueAfter(i + 1, line, indent, keyId, depth, true);
    }
    return out;
  }

  private sequence(indent: number, id: string, depth: number): unknown[] {
    const out: unknown[] = [];
    for (let line = this.lines[this.next]; line && line.indent === indent && this.isDash(line); line = this.lines[this.next]) {
      const itemId = childId(id, out.length);
      let i = line.start + 1;
      while (i < line.end && this.text.charCodeAt(i) === SPACE) i++;
      if (i < line.end && this.startsEntry(i, line.end)) {
        // `- key: value` or `- - item`: a collection that starts on the dash's line, at this column.
        this.lines[this.next] = { start: i, end: line.end, indent: line.indent + (i - line.start) };
        this.offsets.value.set(itemId, i);
        out.push(this.block(line.indent + (i - line.start), itemId, depth + 1));
      } else {
        this.next++;
        out.push(this.valueAfter(line.start + 1, line, indent, itemId, depth, false));
      }
    }
    return out;
  }

  /** Does an inner mapping entry or sequence item start at `i`? */
  private startsEntry(i: number, end: number): boolean {
    const text = this.text;
    if (text.charCodeAt(i) === DASH && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return true;
    let j = i;
    while (j < end && isKeyChar(text.charCodeAt(j))) j++;
    return j > i && text.charCodeAt(j) === COLON && (j + 1 === end || text.charCodeAt(j + 1) === SPACE);
  }

  /**
   * The value after a key's `:` or an item's `-` at `from`: on the same line, or the block on the lines
   * below (more indented; for a key, a sequence may also start at the key's own indentation).
   */
  private valueAfter(from: number, line: Line, indent: number, id: string, depth: number, isKey: boolean): unknown {
    const text = this.text;
    let i = from;
    while (i < line.end && text.charCodeAt(i) === SPACE) i++;
    const below = this.lines[this.next];
    if (i === line.end || (text.charCodeAt(i) === HASH && i > from)) {
      if (below && (below.indent > indent || (isKey && below.indent === indent && this.isDash(below)))) {
        this.offsets.value.set(id, below.start);
        return this.block(below.indent, id, depth + 1);
      }
      // Nothing: null, placed where the library places an empty value (at a comment, else the line's end).
      this.offsets.value.set(id, i);
      return null;
    }
    if (below && below.indent > indent) throw NOT_PLAIN; // a scalar running on to the next line
    this.offsets.value.set(id, i);
    const { value, end } = this.inline(i, line.end, id);
    let j = end;
    while (j < line.end && text.charCodeAt(j) === SPACE) j++;
    if (j < line.end && !(text.charCodeAt(j) === HASH && j > end)) throw NOT_PLAIN;
    return value;
  }

  /** A scalar, or a one-line flow list or mapping of scalars, starting at `i`. */
  private inline(i: number, end: number, id: string): { value: unknown; end: number } {
    const c = this.text.charCodeAt(i);
    if (c === 0x5b /* [ */) return this.flow(i, end, id, 0x5d, false);
    if (c === 0x7b /* { */) return this.flow(i, end, id, 0x7d, true);
    return this.scalar(i, end, false);
  }

  private flow(open: number, end: number, id: string, close: number, isMap: boolean): { value: unknown; end: number } {
    const text = this.text;
    const items: unknown[] = [];
    const map: Record<string, unknown> = {};
    let i = open + 1;
    const skip = () => {
      while (i < end && text.charCodeAt(i) === SPACE) i++;
    };
    skip();
    if (text.charCodeAt(i) === close) return { value: isMap ? map : items, end: i + 1 };
    for (;;) {
      skip();
      const c = text.charCodeAt(i);
      if (c === 0x5b || c === 0x7b || c === 0x2c /* , */ || i >= end) throw NOT_PLAIN;
      if (isMap) {
        const keyStart = i;
        while (i < end && isKeyChar(text.charCodeAt(i))) i++;
        if (i === keyStart || text.charCodeAt(i) !== COLON || text.charCodeAt(i + 1) !== SPACE) throw NOT_PLAIN;
        const key = text.slice(keyStart, i);
        if (Object.hasOwn(map, key) || key === "__proto__" || plainScalar(key) !== key) throw NOT_PLAIN;
        i++;
        skip();
        const keyId = childId(id, key);
        this.offsets.key.set(keyId, keyStart);
        this.offsets.value.set(keyId, i);
        const item = this.scalar(i, end, true);
        map[key] = item.value;
        i = item.end;
      } else {
        this.offsets.value.set(childId(id, items.length), i);
        const item = this.scalar(i, end, true);
        items.push(item.value);
        i = item.end;
      }
      skip();
      const after = text.charCodeAt(i);
      if (after === close) return { value: isMap ? map : items, end: i + 1 };
      if (after !== 0x2c) throw NOT_PLAIN;
      i++;
      skip();
      // A trailing comma, and an empty entry, are left to the library.
      if (text.charCodeAt(i) === close || text.charCodeAt(i) === 0x2c) throw NOT_PLAIN;
    }
  }

  /** A quoted or plain scalar from `i`; in a flow collection, a plain one also ends at `,`, `]` or `}`. */
  private scalar(i: number, end: number, inFlow: boolean): { value: unknown; end: number } {
    const text = this.text;
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const close = text.indexOf('"', i + 1);
      if (close === -1 || close >= end) throw NOT_PLAIN;
      // Escapes are the library's to read.
      if (text.lastIndexOf("\\", close) > i) throw NOT_PLAIN;
      return { value: text.slice(i + 1, close), end: close + 1 };
    }
    if (c === 0x27 /* ' */) {
      // `''` is a quote; the first lone quote ends the scalar.
      let value = "";
      let from = i + 1;
      for (let j = i + 1; j < end; j++) {
        if (text.charCodeAt(j) !== 0x27) continue;
        if (j + 1 < end && text.charCodeAt(j + 1) === 0x27) {
          value += text.slice(from, j + 1);
          from = j + 2;
          j++;
          continue;
        }
        return { value: value + text.slice(from, j), end: j + 1 };
      }
      throw NOT_PLAIN;
    }
    // A plain scalar may not start with an indicator; `-`, `?` and `:` only before a digit or a dot.
    if (isIndicator(c) && !((c === DASH || c === 0x2b) && isDigitOrDot(text.charCodeAt(i + 1)))) throw NOT_PLAIN;
    let j = i;
    let last = i;
    for (; j < end; j++) {
      const d = text.charCodeAt(j);
      if (d === SPACE) {
        if (text.charCodeAt(j + 1) === HASH) break;
        continue;
      }
      if (d === COLON && (j + 1 === end || text.charCodeAt(j + 1) === SPACE || (inFlow && isFlowIndicator(text.charCodeAt(j + 1))))) throw NOT_PLAIN;
      if (inFlow && isFlowIndicator(d)) break;
      last = j + 1;
    }
    return { value: plainScalar(text.slice(i, last)), end: last };
  }
}

const isKeyChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === DASH;

const isDigitOrDot = (c: number): boolean => (c >= 0x30 && c <= 0x39) || c === 0x2e;

const isFlowIndicator = (c: number): boolean => c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;

/** The characters a plain scalar may not start with (YAML's indicators). */
function isIndicator(c: number): boolean {
  return "-?:,[]{}#&*!|>'\"%@`".includes(String.fromCharCode(c));
}

// YAML 1.2's core schema, in the order the yaml library tries it.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value: null, a boolean, a number, or the text itself. */
function plainScalar(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only these can start anything but text; most values are text and are answered here.
  if (!(isDigitOrDot(c) || c === DASH || c === 0x2b || c === 0x7e || "nNtTfF".includes(s[0] ?? ""))) return s === "" ? null : s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === "t" || s[0] === "T";
  if (OCT.test(s)) return parseInt(s.slice(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (HEX.test(s)) return parseInt(s.slice(2), 16);
  if (NAN_INF.test(s)) return s.slice(-3).toLowerCase() === "nan" ? NaN : s[0] === "-" ? -Infinity : Infinity;
  if (EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}
