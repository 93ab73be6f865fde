/**
 * How wide text is on a terminal, and fitting it into a width: East Asian wide characters and emoji take
 * two columns, combining marks and zero-width characters none. Text here is plain (colour is applied
 * after fitting), so no escape sequence is counted.
 */

function isZeroWidth(code: number): boolean {
  return (
    (code >= 0x0300 && code <= 0x036f) || // combining diacritical marks
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0xfe00 && code <= 0xfe0f) || // variation selectors
    code === 0x200d ||
    (code >= 0x1ab0 && code <= 0x1aff) ||
    (code >= 0x20d0 && code <= 0x20ff)
  );
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) || // emoji and pictographs
    (code >= 0x2600 && code <= 0x27bf && code !== 0x2713 && code !== 0x2717) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

function charWidth(char: string): number {
  const code = char.codePointAt(0)!;
  if (isZeroWidth(code)) return 0;
  return isWide(code) ? 2 : 1;
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/** The text cut to at most `width` columns, with `…` where it was cut. */
export function fit(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…`;
}

/** The text padded with spaces to `width` columns. */
export function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

/**
 * The text in lines of at most `width` columns, broken at spaces where it can be, at most `maxLines`
 * lines (the last one cut with `…` when the text goes on).
 */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let rest = text.trim();
  while (rest.length > 0 && lines.length < maxLines) {
    if (displayWidth(rest) <= width) {
      lines.push(rest);
      rest = "";
      break;
    }
    if (lines.length === maxLines - 1) {
      lines.push(fit(rest, width));
      rest = "";
      break;
    }
    // The longest prefix that fits, then back to the last space in it.
    let cut = 0;
    let used = 0;
    let lastSpace = -1;
    for (const char of rest) {
      const w = charWidth(char);
      if (used + w > width) break;
      if (char === " ") lastSpace = cut;
      cut += char.length;
      used += w;
    }
    const at = lastSpace > 0 ? lastSpace : cut;
    lines.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  return lines;
}
