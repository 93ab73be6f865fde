/**
 * Jira wiki markup (the descriptions of Jira Data Center and Server) to the plain text
 * hasAcceptanceCriteria reads, in the shape adfToText gives Cloud's documents: `h3. Title` becomes a
 * `###` line and list items (`*`, `#`, `-`, nested as `**`, `#*` …) become `- ` lines. Without this,
 * a numbered item `# It works` would read as a Markdown heading and end the section above it. Bold
 * lines (`*Acceptance criteria*`) are read as they are. Lines inside `{code}` and `{noformat}` are
 * kept as written. One pass over the lines, string operations only.
 */
import { adfToText } from "./adf.js";

const FENCE = /^\{(code|noformat)(?::[^}]*)?\}/;

export function wikiToText(markup: unknown): string {
  if (typeof markup !== "string") return adfToText(markup);
  /** The tag that closes the block we are in, such as `{code}`. */
  let closing: string | null = null;
  return markup
    .split(/\r?\n/)
    .map((line) => {
      const s = line.trim();
      if (closing !== null) {
        if (s.includes(closing)) closing = null;
        return line;
      }
      const fence = FENCE.exec(s);
      if (fence) {
        const tag = `{${fence[1]}}`;
        if (!s.slice(fence[0].length).includes(tag)) closing = tag;
        return line;
      }
      if (s.length > 3 && (s[0] === "h" || s[0] === "H") && s[1]! >= "1" && s[1]! <= "6" && s[2] === "." && (s[3] === " " || s[3] === "\t")) {
        return `${"#".repeat(Number(s[1]))} ${s.slice(4).trim()}`;
      }
      let marks = 0;
      while (marks < s.length && (s[marks] === "*" || s[marks] === "#" || s[marks] === "-")) marks++;
      if (marks > 0 && (s[marks] === " " || s[marks] === "\t")) return `- ${s.slice(marks + 1).trim()}`;
      return line;
    })
    .join("\n");
}
