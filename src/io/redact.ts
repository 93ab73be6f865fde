/**
 * Secrets kept out of everything we print. A redactor replaces, in any text:
 *
 *   - every occurrence of a known secret (tokens, the Jira e-mail, the Basic header value), found with
 *     one Aho–Corasick automaton over all of them: one pass over the text whatever the secrets are;
 *   - the user info of any URL (`https://user:pass@host` → `https://***@host`);
 *   - the credentials after `Basic ` / `Bearer ` when they look like a token, known or not.
 *
 * Each stretch of text covered by one or more overlapping matches becomes one `***`. Secrets shorter
 * than MIN_SECRET_LENGTH are ignored (redacting `x` or `42` would only garble output), and a secret with
 * a line break is taken line by line.
 *
 * `redactor.stream(out)` wraps a Writable: a secret split over two writes is still found. Text is held
 * back until a line is complete (or the output ends); a line longer than HOLD_LIMIT is let through in
 * pieces, keeping back enough of its end that no secret or URL user info can straddle a piece.
 */
import { StringDecoder } from "node:string_decoder";
import { Writable } from "node:stream";
import type { Env } from "./streams.js";

export const REDACTED = "***";
/** Shorter values are not treated as secrets. */
export const MIN_SECRET_LENGTH = 4;
/** A stream passes on a line without a line break once this much of it is held. */
export const HOLD_LIMIT = 64 * 1024;
/** Longer runs after `://` are not taken for a URL's authority (user info and host). */
const MAX_AUTHORITY = 2048;
/** Longer runs after `Basic ` / `Bearer ` are not taken for header credentials. */
const MAX_HEADER_TOKEN = 8192;

export interface Redactor {
  /** The text with every secret, URL user info and header credential replaced by `***`. */
  (text: string): string;
  /** Add secrets learnt later (the output of `gh auth token`); streams made before see them too. */
  add(...secrets: readonly (string | null | undefined)[]): void;
  /** Length of the longest secret, in UTF-16 code units (0 when there is none). */
  readonly maxSecretLength: number;
  /**
   * A Writable that redacts what is written to it and passes it on to `out`. Ending it flushes what
   * it holds; `out` is ended too only with `{ end: true }` (never end process.stdout).
   */
  stream(out: Writable, options?: { end?: boolean }): Writable;
}

// ---------------------------------------------------------------------------------------------
// Aho–Corasick over UTF-16 code units

interface Automaton {
  next: Map<number, number>[];
  fail: Int32Array;
  /** Length of the longest secret that ends at this state (0: none). */
  longest: Int32Array;
  maxLength: number;
}

function buildAutomaton(secrets: readonly string[]): Automaton {
  const next: Map<number, number>[] = [new Map()];
  const own: number[] = [0];
  for (const secret of secrets) {
    let state = 0;
    for (let i = 0; i < secret.length; i++) {
      const code = secret.charCodeAt(i);
      let to = next[state]!.get(code);
      if (to === undefined) {
        to = next.length;
        next.push(new Map());
        own.push(0);
        next[state]!.set(code, to);
      }
      state = to;
    }
    own[state] = Math.max(own[state]!, secret.length);
  }
  const fail = new Int32Array(next.length);
  const longest = new Int32Array(next.length);
  // Breadth first, so a state's failure target is finished before the state.
  const queue: number[] = [];
  for (const to of next[0]!.values()) {
    fail[to] = 0;
    longest[to] = own[to]!;
    queue.push(to);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    for (const [code, to] of next[state]!) {
      let f = fail[state]!;
      while (f !== 0 && !next[f]!.has(code)) f = fail[f]!;
      const target = next[f]!.get(code);
      fail[to] = target !== undefined && target !== to ? target : 0;
      longest[to] = Math.max(own[to]!, longest[fail[to]!]!);
      queue.push(to);
    }
  }
  return { next, fail, longest, maxLength: secrets.reduce((max, s) => Math.max(max, s.length), 0) };
}

// ---------------------------------------------------------------------------------------------
// What to cover: [start, end) intervals, sorted, disjoint

type Interval = [start: number, end: number];

/** Add [start, end) to a sorted list of disjoint intervals whose ends are all ≤ end. */
function pushMerged(list: Interval[], start: number, end: number): void {
  while (list.length > 0 && list[list.length - 1]![1] > start) {
    const last = list.pop()!;
    start = Math.min(start, last[0]);
    end = Math.max(end, last[1]);
  }
  list.push([start, end]);
}

function secretMatches(automaton: Automaton, text: string, out: Interval[]): void {
  if (automaton.maxLength === 0) return;
  const { next, fail, longest } = automaton;
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let to = next[state]!.get(code);
    while (to === undefined && state !== 0) {
      state = fail[state]!;
      to = next[state]!.get(code);
    }
    state = to ?? 0;
    const length = longest[state]!;
    if (length > 0) pushMerged(out, i + 1 - length, i + 1);
  }
}

function endsAuthority(code: number): boolean {
  // Whitespace, and what ends a URL's authority: / ? # and \ (which WHATWG URLs read as /).
  return code <= 0x20 || code === 0x2f || code === 0x3f || code === 0x23 || code === 0x5c || code === 0x7f;
}

/**
 * The user info of every `scheme://user:pass@host`: from after `://` to the last `@` of the run that
 * follows it (a password may hold `@`, `:`, `;`, `,` and more). When `final` is false, a run that
 * reaches the end of the text is left undecided: it may continue.
 */
function userinfoMatches(text: string, final: boolean, out: Interval[]): void {
  let from = 0;
  for (;;) {
    const at = text.indexOf("://", from);
    if (at === -1) return;
    const start = at + 3;
    let end = start;
    let lastAt = -1;
    while (end < text.length && !endsAuthority(text.charCodeAt(end))) {
      if (text.charCodeAt(end) === 0x40) lastAt = end;
      end++;
    }
    const open = end === text.length && !final;
    if (lastAt > start && !open && end - start <= MAX_AUTHORITY) out.push([start, lastAt]);
    from = at + 1; // runs end at a /, so the runs of two `://` never overlap
  }
}

/** One to eight blanks, so that a whole header value is never longer than keepBack allows for. */
const HEADER = /\b(?:Basic|Bearer)[ \t]{1,8}([A-Za-z0-9\-._~+/]+=*)/gi;

/** Looks like a credential rather than a word: a digit, a symbol, or a capital after the first letter. */
function looksLikeToken(value: string): boolean {
  return value.length >= 8 && /[0-9\-._~+/=]|.[A-Z]/.test(value);
}

function headerMatches(text: string, final: boolean, out: Interval[]): void {
  if (!/basic|bearer/i.test(text)) return;
  HEADER.lastIndex = 0;
  for (let m = HEADER.exec(text); m !== null; m = HEADER.exec(text)) {
    const value = m[1]!;
    const end = m.index + m[0].length;
    const start = end - value.length;
    if (!final && end === text.length) continue; // may continue
    if (value.length <= MAX_HEADER_TOKEN && looksLikeToken(value)) out.push([start, end]);
  }
}

/** Merge sorted lists of intervals into one sorted list of disjoint ones (overlaps joined). */
function mergeAll(lists: Interval[][]): Interval[] {
  const all = lists.flat().sort((a, b) => a[0] - b[0]);
  const merged: Interval[] = [];
  for (const [start, end] of all) {
    const last = merged[merged.length - 1];
    if (last && start < last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Everything to cover in `text`; `carried` are intervals already known (sorted, disjoint). */
function cover(automaton: Automaton, text: string, final: boolean, carried: readonly Interval[] = []): Interval[] {
  const secrets: Interval[] = [];
  secretMatches(automaton, text, secrets);
  const urls: Interval[] = [];
  userinfoMatches(text, final, urls);
  const headers: Interval[] = [];
  headerMatches(text, final, headers);
  if (urls.length === 0 && headers.length === 0 && carried.length === 0) return secrets;
  return mergeAll([[...carried], secrets, urls, headers]);
}

function render(text: string, intervals: readonly Interval[], from = 0, to = text.length): string {
  let out = "";
  let at = from;
  for (const [start, end] of intervals) {
    if (end <= from || start >= to) continue;
    out += text.slice(at, Math.max(start, from)) + REDACTED;
    at = Math.min(end, to);
  }
  return out + text.slice(at, to);
}

// ---------------------------------------------------------------------------------------------

function normalizeSecrets(secrets: readonly (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string") continue;
    for (const part of secret.split(/\r\n|\r|\n/)) {
      if (part.length >= MIN_SECRET_LENGTH) out.add(part);
      const trimmed = part.trim();
      if (trimmed.length >= MIN_SECRET_LENGTH) out.add(trimmed);
    }
  }
  return [...out];
}

export function createRedactor(initial: readonly (string | null | undefined)[] = []): Redactor {
  let secrets = normalizeSecrets(initial);
  let automaton = buildAutomaton(secrets);
  const redact = ((text: string): string => {
    const intervals = cover(automaton, text, true);
    return intervals.length === 0 ? text : render(text, intervals);
  }) as Redactor;
  Object.defineProperty(redact, "maxSecretLength", { get: () => automaton.maxLength });
  redact.add = (...more) => {
    const added = normalizeSecrets(more).filter((s) => !secrets.includes(s));
    if (added.length === 0) return;
    secrets = [...secrets, ...added];
    automaton = buildAutomaton(secrets);
  };
  redact.stream = (out, options = {}) => new RedactingStream(() => automaton, out, options.end ?? false);
  return redact;
}

class RedactingStream extends Writable {
  private held = "";
  /** Decided matches that run into `held`, from text already passed on (positions in `held`). */
  private carried: Interval[] = [];
  private readonly decoder = new StringDecoder("utf8");

  constructor(
    private readonly automaton: () => Automaton,
    private readonly out: Writable,
    private readonly endOut: boolean,
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.take(typeof chunk === "string" ? chunk : this.decoder.write(chunk), false);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.take(this.decoder.end(), true);
    if (this.endOut) this.out.end(callback);
    else callback();
  }

  private take(text: string, final: boolean): void {
    const before = this.held.length;
    this.held += text;
    const automaton = this.automaton();
    if (final) return this.pass(this.held.length, automaton, true);
    const lastBreak = Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r"));
    if (lastBreak !== -1) this.pass(before + lastBreak + 1, automaton, true);
    if (this.held.length > HOLD_LIMIT) {
      this.pass(Math.max(0, this.held.length - keepBack(automaton)), automaton, false);
    }
  }

  /**
   * Pass on held[0, cut). `decided` says the cut is at a line break or the end, which ends every
   * secret (none holds a line break), URL authority and header value. Otherwise what is kept back is
   * longer than any of them, so whatever covers text before the cut is already known; matches that
   * run past the cut are carried over, since what is held next no longer shows where they began.
   */
  private pass(cut: number, automaton: Automaton, decided: boolean): void {
    if (cut === 0) return;
    const text = decided ? this.held.slice(0, cut) : this.held;
    const intervals = cover(automaton, text, decided, this.carried);
    const piece = render(text, intervals, 0, cut);
    this.carried = intervals.filter(([, end]) => end > cut).map(([start, end]) => [Math.max(0, start - cut), end - cut]);
    this.held = this.held.slice(cut);
    if (piece !== "") this.out.write(piece);
  }
}

/** How much of an unfinished line a stream keeps back when it has to pass part of it on. */
function keepBack(automaton: Automaton): number {
  return Math.max(automaton.maxLength - 1, MAX_AUTHORITY + 3, MAX_HEADER_TOKEN + 16);
}

// ---------------------------------------------------------------------------------------------

/** The credentials a run can see in its environment, for createRedactor. */
export function secretsFromEnv(env: Env): string[] {
  const value = (name: string) => env[name];
  const secrets: string[] = [];
  for (const name of ["GH_TOKEN", "GITHUB_TOKEN", "JIRA_API_TOKEN", "JIRA_EMAIL"]) {
    const v = value(name);
    if (v) secrets.push(v);
  }
  // What basic auth sends: base64 of email:token, as given and as trimmed (jiraSettings trims).
  const email = value("JIRA_EMAIL");
  const token = value("JIRA_API_TOKEN");
  if (email && token) {
    secrets.push(Buffer.from(`${email}:${token}`).toString("base64"));
    secrets.push(Buffer.from(`${email.trim()}:${token.trim()}`).toString("base64"));
  }
  // Passwords inside URLs, also where they appear outside a URL (decoded or not).
  for (const name of ["JIRA_HOST", "GITHUB_GRAPHQL_URL"]) {
    const v = value(name)?.trim();
    if (!v) continue;
    try {
      const url = new URL(v);
      if (url.password) {
        secrets.push(url.password);
        try {
          secrets.push(decodeURIComponent(url.password));
        } catch {
          // not percent-encoded text; the raw form is enough
        }
      }
    } catch {
      // not a URL: the user-info rule still covers `scheme://user:pass@`
    }
  }
  return normalizeSecrets(secrets);
}
