/**
 * The team's status-update template, filled in: plain text ready to paste into Slack, Markdown, or one
 * JSON document. Titles come from Jira and GitHub, so text and Markdown pass them through `clean` (the
 * output's sanitiser) and onto one line; JSON carries them as they are, JSON-escaped.
 */
import type { StatusEntry, StatusUpdate } from "./rules.js";

export const HEADING = "👉 Status update 👈";
/** What an empty section holds, for the person to write. */
export const PLACEHOLDER = "<content>";

const SECTIONS = [
  ["priority", "What is my priority"],
  ["unexpected", "What went unexpected"],
  ["help", "Where do I need help"],
] as const;

type Clean = (text: string) => string;

function sections(update: StatusUpdate): [string, StatusEntry[]][] {
  return [...SECTIONS.map(([key, title]): [string, StatusEntry[]] => [title, update[key]]), [`Done since ${update.since}`, update.done]];
}

/** Untrusted text as one line: sanitised, then every run of white space (new lines too) one space. */
function oneLine(text: string, clean: Clean): string {
  return clean(text).replace(/\s+/g, " ").trim();
}

function tail(entry: StatusEntry, reason: string): string {
  return entry.form === "tag" ? ` (${reason})` : `: ${reason}`;
}

/** The template exactly, as the team posts it. */
export function renderText(update: StatusUpdate, clean: Clean = (s) => s): string {
  const lines = [HEADING];
  for (const [title, entries] of sections(update)) {
    lines.push(`${title}:`);
    if (entries.length === 0) lines.push(`- ${PLACEHOLDER}`);
    for (const e of entries) lines.push(`- ${oneLine(e.ref, clean)} ${oneLine(e.title, clean)}${tail(e, oneLine(e.reason, clean))}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Text as Markdown that shows it and nothing more: characters that would start syntax escaped, and
 * addresses kept from turning into links (`https\://`, `www\.`).
 */
function escapeMarkdown(text: string): string {
  return text
    .replace(/([\\`*_{}[\]()<>#+!|~])/g, "\\$1")
    .replace(/:\/\//g, "\\://")
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\\.`);
}

/** A link target that cannot end the link early. */
function linkTarget(url: string): string {
  return url.replace(/[()<>\s]/g, (c) => encodeURIComponent(c));
}

/** One H1, a section heading each (no trailing colon, as markdownlint wants), a list under each. */
export function renderMarkdown(update: StatusUpdate, clean: Clean = (s) => s): string {
  const parts = [`# ${HEADING}`];
  for (const [title, entries] of sections(update)) {
    parts.push("", `## ${title}`, "");
    if (entries.length === 0) parts.push(`- ${escapeMarkdown(PLACEHOLDER)}`);
    for (const e of entries) {
      const ref = escapeMarkdown(oneLine(e.ref, clean));
      const link = /^https?:\/\//i.test(e.url) ? `[${ref}](${linkTarget(e.url)})` : ref;
      parts.push(`- ${link} ${escapeMarkdown(oneLine(e.title, clean))}${tail(e, escapeMarkdown(oneLine(e.reason, clean)))}`);
    }
  }
  return `${parts.join("\n")}\n`;
}

/** `{ since, priority, unexpected, help, done }`, each entry `{ ref, title, url, reason }`. */
export function toJson(update: StatusUpdate) {
  const entries = (list: StatusEntry[]) => list.map(({ ref, title, url, reason }) => ({ ref, title, url, reason }));
  return {
    since: update.since,
    priority: entries(update.priority),
    unexpected: entries(update.unexpected),
    help: entries(update.help),
    done: entries(update.done),
  };
}
