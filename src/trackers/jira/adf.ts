/**
 * Atlassian Document Format (the rich text of Jira Cloud's REST v3) to plain text, keeping the
 * structure hasAcceptanceCriteria reads: a heading becomes a `#` line, a paragraph that is bold all
 * through becomes `**text**`, list items become `- ` lines. Anything unknown is walked for its text, so
 * a new node type degrades to plain words instead of failing. A string (wiki markup, from Jira Data
 * Center or API v2) is returned as it is.
 */

interface AdfNode {
  type?: unknown;
  text?: unknown;
  content?: unknown;
  attrs?: unknown;
  marks?: unknown;
}

export function adfToText(document: unknown): string {
  if (typeof document === "string") return document;
  if (!isNode(document)) return "";
  return blocks(document).join("\n");
}

function isNode(value: unknown): value is AdfNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function children(node: AdfNode): AdfNode[] {
  return Array.isArray(node.content) ? node.content.filter(isNode) : [];
}

function attr(node: AdfNode, name: string): unknown {
  return isNode(node.attrs) ? (node.attrs as Record<string, unknown>)[name] : undefined;
}

function hasMark(node: AdfNode, mark: string): boolean {
  return Array.isArray(node.marks) && node.marks.some((m) => isNode(m) && m.type === mark);
}

/** The text of inline content; a hard break is a new line. */
function inline(node: AdfNode): string {
  switch (node.type) {
    case "text":
      return typeof node.text === "string" ? node.text : "";
    case "hardBreak":
      return "\n";
    case "mention":
    case "emoji":
    case "date":
    case "status": {
      const text = attr(node, "text") ?? attr(node, "shortName");
      return typeof text === "string" ? text : "";
    }
    case "inlineCard": {
      const url = attr(node, "url");
      return typeof url === "string" ? url : "";
    }
    default:
      return children(node).map(inline).join("");
  }
}

/** A paragraph written in bold from end to end, the way people mark a heading in the editor. */
function isBoldOnly(paragraph: AdfNode): boolean {
  const parts = children(paragraph).filter((c) => !(c.type === "text" && typeof c.text === "string" && c.text.trim() === ""));
  return parts.length > 0 && parts.every((c) => c.type === "text" && hasMark(c, "strong"));
}

/** The lines of a block node. */
function blocks(node: AdfNode): string[] {
  switch (node.type) {
    case "heading": {
      const level = attr(node, "level");
      const hashes = "#".repeat(typeof level === "number" && level >= 1 && level <= 6 ? level : 1);
      return [`${hashes} ${inline(node).replace(/\n/g, " ").trim()}`];
    }
    case "paragraph": {
      const text = inline(node);
      return isBoldOnly(node) ? [`**${text.trim()}**`] : text.split("\n");
    }
    case "codeBlock":
      return inline(node).split("\n");
    case "bulletList":
    case "orderedList":
      return children(node).flatMap((item) => {
        const [first = "", ...rest] = children(item).flatMap(blocks);
        return [`- ${first}`, ...rest.map((line) => `  ${line}`)];
      });
    case "tableRow":
      return [children(node).map((cell) => children(cell).flatMap(blocks).join(" ")).join(" | ")];
    case "rule":
      return [""];
    case "text":
    case "hardBreak":
    case "mention":
    case "emoji":
    case "inlineCard":
      return inline(node).split("\n");
    default:
      // doc, blockquote, panel, expand, table, layouts, and whatever Atlassian adds next.
      return children(node).flatMap(blocks);
  }
}
