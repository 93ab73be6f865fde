/**
 * Untrusted text (from Jira, GitHub, files, the environment) made safe to print on a terminal or in a
 * Markdown / plain stream. JSON output does not use this: JSON escaping already covers it.
 *
 * What becomes visible, and how (one notation, so a reader can tell what was there):
 *
 *   - C0 controls U+0000–U+001F and DEL U+007F: caret notation, as terminals echo them: `^@`, `^A`, …,
 *     `^[` (ESC), `^\`, `^]`, `^^`, `^_`, and `^?` for DEL. A lone CR is `^M` (it would move the cursor
 *     back over the line); CR LF is a line break and becomes LF.
 *   - C1 controls U+0080–U+009F: `\u009b` (backslash, u, four lower-case hex digits). Caret notation
 *     has no standard form for them, and giving them C0's carets (as gh does) would make U+009B and
 *     ESC look the same.
 *   - Bidirectional formatting (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which can
 *     make text read differently from what it is: `\u202e` likewise.
 *   - U+2028 / U+2029 (line and paragraph separators): `\u2028` in text, a space in a single line.
 *
 * Escape sequences are not parsed and removed: every one of them (CSI `ESC [`, OSC `ESC ]` including
 * OSC 8 hyperlinks and OSC 52 clipboard writes, DCS `ESC P`, SOS, PM, APC, and the 8-bit introducers
 * U+0090 / U+009B / U+009D / U+0098 / U+009E / U+009F) starts with a control character and most end
 * with one (BEL, ST), so once those are made visible no sequence reaches the terminal: `ESC ] 52 ; c ;
 * … BEL` prints as `^[]52;c;…^G`. Showing rather than removing means nothing is hidden from the reader,
 * including what the text tried to do (an OSC 8 link shows its real target).
 *
 * The notation is not escaped itself: text that already reads `^[` or `\u202e` prints as it is.
 *
 * Every function here is one pass over its input (linear time), and returns the input unchanged, not
 * copied, when there is nothing to do.
 */

import { isSpace } from "../text/whitespace.js";

/** Any character that sanitizeText changes (LF and TAB are kept; CR is looked at). */
const NEEDS_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
/** Any character that sanitizeLine changes. */
const NEEDS_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

const CARET = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_";

function isBidiControl(code: number): boolean {
  return code === 0x061c || code === 0x200e || code === 0x200f || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/** The visible form of one character, or null when it is printed as it is. */
function visible(code: number): string | null {
  if (code < 0x20) return `^${CARET[code]}`;
  if (code === 0x7f) return "^?";
  if (code >= 0x80 && code <= 0x9f) return unicodeEscape(code);
  if (isBidiControl(code) || code === 0x2028 || code === 0x2029) return unicodeEscape(code);
  return null;
}

/** Whitespace that a single line folds into one space. */
function isLineBreakOrTab(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x09 || code === 0x0b || code === 0x0c || code === 0x2028 || code === 0x2029;
}

/**
 * Multi-line untrusted text: LF and TAB are kept, CR LF becomes LF, and every other control character,
 * DEL, C1 control, bidi control and line/paragraph separator is made visible (see the notation above).
 */
export function sanitizeText(text: string): string {
  if (!NEEDS_TEXT.test(text)) return text;
  let out = "";
  let run = 0; // start of the stretch not yet copied
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a || code === 0x09) continue;
    let replacement: string | null;
    if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) replacement = "";
    else replacement = visible(code);
    if (replacement === null) continue;
    out += text.slice(run, i) + replacement;
    run = i + 1;
  }
  return out + text.slice(run);
}

/**
 * One line of untrusted text (a title, a name, a table cell): every run of line breaks, tabs, vertical
 * tabs, form feeds and U+2028 / U+2029 becomes one space; everything else as in sanitizeText. Spaces
 * at either end are kept: trimming is the caller's choice.
 */
export function sanitizeLine(text: string): string {
  if (!NEEDS_LINE.test(text)) return text;
  let out = "";
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isLineBreakOrTab(code)) {
      out += `${text.slice(run, i)} `;
      while (i + 1 < text.length && isLineBreakOrTab(text.charCodeAt(i + 1))) i++;
      run = i + 1;
      continue;
    }
    const replacement = visible(code);
    if (replacement === null) continue;
    out += text.slice(run, i) + replacement;
    run = i + 1;
  }
  return out + text.slice(run);
}

/**
 * Whitespace as the GitHub Actions runner trims it before looking for `::` (.NET's String.TrimStart:
 * Unicode space separators, TAB to CR, U+0085, U+00A0), and a little more (U+FEFF, U+180E): a superset,
 * so nothing it would skip is missed here.
 */
function isRunnerWhitespace(code: number): boolean {
  return isSpace(code) || code === 0x85 || code === 0x180e;
}

const COLON = 0x3a;
const HASH = 0x23;
const BRACKET = 0x5b;

/**
 * Keep a Markdown or plain block from issuing GitHub Actions workflow commands. The runner reads every
 * line of a step's stdout and stderr (lines end at LF, CR or CR LF) and acts on:
 *
 *   - `::name …::value` at the start of the line after leading whitespace is trimmed (`::add-mask::`,
 *     `::stop-commands::`, `::warning::`, …): a leading space does NOT defuse it;
 *   - the legacy `##[name …]value` anywhere in the line.
 *
 * So the first `:` of a line that would start with `::` after its leading whitespace gets a backslash
 * (`\::add-mask::x`), and every `##[` becomes `#\#[`. Both are Markdown backslash escapes of ASCII
 * punctuation, so rendered Markdown (a pull-request comment, the step summary) still reads `::` and
 * `##[`; plain text shows the backslash. Inside a Markdown code span or block the backslash shows too.
 *
 * Apply it to finished Markdown / plain output (after sanitizeText / sanitizeLine of the untrusted
 * parts), a whole line at a time: a line split over two calls is guarded in each part separately. Never
 * apply it to `--format github` annotations, whose `::error` lines are meant for the runner.
 */
export function guardWorkflowCommands(block: string): string {
  if (!block.includes("::") && !block.includes("##[")) return block;
  let out = "";
  let run = 0;
  let lineStart = true;
  for (let i = 0; i < block.length; i++) {
    const code = block.charCodeAt(i);
    if (code === 0x0a || code === 0x0d) {
      lineStart = true;
      continue;
    }
    if (lineStart) {
      if (isRunnerWhitespace(code)) continue;
      lineStart = false;
      if (code === COLON && block.charCodeAt(i + 1) === COLON) {
        out += `${block.slice(run, i)}\\`;
        run = i;
        continue;
      }
    }
    if (code === HASH && block.charCodeAt(i + 1) === HASH && block.charCodeAt(i + 2) === BRACKET) {
      out += `${block.slice(run, i + 1)}\\`;
      run = i + 1;
      i++; // the second '#' is copied with the next stretch
    }
  }
  return out + block.slice(run);
}

/** What JSON.stringify leaves raw although a terminal may act on it or show it reordered. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * JSON.stringify, with DEL, C1 controls, bidi controls and U+2028 / U+2029 written as `\u` escapes.
 * JSON.stringify escapes C0 controls but prints those raw, so `--json` on a terminal could still
 * deliver an 8-bit CSI (U+009B) or a right-to-left override. The escapes are plain JSON: the document
 * parses to the same value.
 */
export function stringifyJson(value: unknown, space?: number): string {
  const json = JSON.stringify(value, null, space);
  if (json === undefined) return json;
  return json.replace(JSON_UNSAFE, (ch) => unicodeEscape(ch.charCodeAt(0)));
}
