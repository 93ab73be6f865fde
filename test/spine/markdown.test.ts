/** Sections as the gates see them: guidance comments are not text, fenced headings are not headings. */
import { describe, expect, it } from "vitest";
import { findSection, parseSections } from "../../src/projects/sections.js";

function written(markdown: string, heading: string): boolean | undefined {
  return findSection(parseSections(markdown), heading)?.written;
}

describe("a section is written when it has text beyond HTML comments", () => {
  it("plain text is written", () => {
    expect(written("## Context\n\nWe need this.\n", "Context")).toBe(true);
  });

  it("an empty section is not written", () => {
    expect(written("## Context\n\n## Risks\n\nMany.\n", "Context")).toBe(false);
  });

  it("a one-line comment is not written", () => {
    expect(written("## Context\n\n<!-- Why this project? -->\n\n## Risks\n\nMany.\n", "Context")).toBe(false);
  });

  it("a multi-line comment with blank lines inside is not written", () => {
    const md = "## Context\n\n<!--\n  Why this project?\n\n  Why now?\n-->\n   \n\t\n## Risks\n";
    expect(written(md, "Context")).toBe(false);
  });

  it("several comments in a row are not written", () => {
    expect(written("## Context\n<!-- a --><!-- b -->\n<!-- c\n d -->\n", "Context")).toBe(false);
  });

  it("text after a comment closes, on the same line, is written", () => {
    expect(written("## Context\n<!--\nguidance\n--> Because customers asked.\n", "Context")).toBe(true);
  });

  it("text before a comment opens, on the same line, is written", () => {
    expect(written("## Context\nBecause. <!-- guidance -->\n", "Context")).toBe(true);
  });

  it("a comment that never closes hides the rest of the file", () => {
    const sections = parseSections("## Context\n<!-- oops\n\nText.\n\n## Risks\n\nMany.\n");
    expect(findSection(sections, "Context")?.written).toBe(false);
    expect(findSection(sections, "Risks")).toBeUndefined();
  });

  it("a heading inside a comment is not a heading", () => {
    const sections = parseSections("## Context\n\n<!--\n## Risks\nMany.\n-->\n");
    expect(sections.map((s) => s.heading)).toEqual(["Context"]);
    expect(sections[0]!.written).toBe(false);
  });

  it("text in a subsection counts for its parent, not for a sibling", () => {
    const md = "## Context\n\n### Background\n\nHistory.\n\n## Risks\n\n### Technical\n\n<!-- later -->\n";
    expect(written(md, "Context")).toBe(true);
    expect(written(md, "Background")).toBe(true);
    expect(written(md, "Risks")).toBe(false);
    expect(written(md, "Technical")).toBe(false);
  });

  it("text under a later sibling does not count for an earlier empty section", () => {
    expect(written("## Context\n\n<!-- g -->\n\n## Risks\n\nMany.\n", "Context")).toBe(false);
  });
});

describe("fenced code blocks", () => {
  it("a heading inside a ``` fence is not a heading, and the block is text of its section", () => {
    const md = "## Context\n\n```markdown\n## Scope\n\nEverything.\n```\n\n## Risks\n";
    const sections = parseSections(md);
    expect(sections.map((s) => s.heading)).toEqual(["Context", "Risks"]);
    expect(findSection(sections, "Context")?.written).toBe(true);
    expect(findSection(sections, "Scope")).toBeUndefined();
  });

  it("a heading inside a ~~~ fence is not a heading", () => {
    const sections = parseSections("## Context\n~~~\n# Scope\n~~~\n");
    expect(sections.map((s) => s.heading)).toEqual(["Context"]);
  });

  it("a ``` line inside a ~~~ fence does not close it", () => {
    const sections = parseSections("## A\n~~~\n```\n## B\n~~~\n## C\n");
    expect(sections.map((s) => s.heading)).toEqual(["A", "C"]);
  });

  it("headings after a fence closes are headings again", () => {
    const sections = parseSections("```\n## Not\n```\n## Yes\n\ntext\n");
    expect(sections.map((s) => s.heading)).toEqual(["Yes"]);
    expect(sections[0]!.written).toBe(true);
  });

  it("comment markers inside a fence are code, not comments", () => {
    const sections = parseSections("## A\n```html\n<!--\n```\n## B\n\ntext\n");
    expect(sections.map((s) => s.heading)).toEqual(["A", "B"]);
    expect(sections[1]!.written).toBe(true);
  });
});

describe("headings", () => {
  it("records the 1-based line, offset by where the text starts in its file", () => {
    const sections = parseSections("# Title\n\n## Context\n\ntext\n", 10);
    expect(sections.map((s) => [s.heading, s.level, s.line])).toEqual([
      ["Title", 1, 10],
      ["Context", 2, 12],
    ]);
  });

  it("matches case, numbering, trailing colons and closing hashes loosely", () => {
    const sections = parseSections("## 2. ALTERNATIVES   Considered:\n\ntext\n\n### Risks ###\n");
    expect(findSection(sections, "Alternatives considered")?.line).toBe(1);
    expect(findSection(sections, "Risks")?.line).toBe(5);
  });

  it("#text without a space is not a heading; four spaces of indent is code", () => {
    const sections = parseSections("#Context\n    ## Risks\n## Real\n");
    expect(sections.map((s) => s.heading)).toEqual(["Real"]);
  });

  it("reads Windows line endings", () => {
    const sections = parseSections("## Context\r\n\r\n<!-- g -->\r\n\r\n## Risks\r\n\r\nMany.\r\n");
    expect(sections.map((s) => [s.heading, s.written])).toEqual([
      ["Context", false],
      ["Risks", true],
    ]);
  });
});
