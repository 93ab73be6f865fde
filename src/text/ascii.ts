/** Text to ASCII, and the folder name of a project. */

const EXTRA: Record<string, string> = {
  ß: "ss", æ: "ae", Æ: "AE", ø: "o", Ø: "O", œ: "oe", Œ: "OE", ł: "l", Ł: "L", đ: "d", Đ: "D",
  þ: "th", Þ: "TH", ð: "d", Ð: "D", ı: "i", ĸ: "k", ŋ: "ng", Ŋ: "NG",
};

/** `Über straße` → `Uber strasse`: decompose, drop combining marks, map a few letters by hand. */
export function toAscii(text: string): string {
  return decompose(text)
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\u0000-\u007f]/g, (ch) => EXTRA[ch] ?? " ");
}

const NORMALIZE_CHUNK = 256;

/**
 * NFKD, a piece at a time. Normalising sorts each run of combining marks by class, in time quadratic in
 * the run (80,000 marks took seconds); pieces bound the runs. The result can differ from NFKD of the
 * whole only in the order of marks within a run, and toAscii maps every mark to the same thing
 * wherever it stands (nothing, or a space), so its output is the same.
 */
function decompose(text: string): string {
  if (text.length <= NORMALIZE_CHUNK) return text.normalize("NFKD");
  let out = "";
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + NORMALIZE_CHUNK, text.length);
    const code = text.charCodeAt(end);
    if (code >= 0xdc00 && code <= 0xdfff) end++; // never split a surrogate pair
    out += text.slice(start, end).normalize("NFKD");
    start = end;
  }
  return out;
}

/** The lower-case ASCII words of a text: anything but a letter or digit separates them. */
export function asciiWords(text: string): string[] {
  return toAscii(text).toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** Lower-case ASCII words joined by `-`; at most `max` characters, cut at a word boundary. */
export function slugify(text: string, max = 60): string {
  const words = asciiWords(text);
  let slug = "";
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > max) {
      if (!slug) slug = word.slice(0, max);
      break;
    }
    slug = next;
  }
  return slug;
}
