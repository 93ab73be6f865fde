/** Atlassian Document Format (Cloud) and wiki markup (Data Center) to the plain text hasAcceptanceCriteria reads. */
import { describe, expect, it } from "vitest";
import { adfToText } from "../../src/trackers/jira/adf.js";
import { wikiToText } from "../../src/trackers/jira/wiki.js";
import { hasAcceptanceCriteria } from "../../src/gates/issue-readiness.js";
import { adf } from "../helpers/jira-server.js";

const text = (t: string, ...marks: string[]) => ({ type: "text", text: t, ...(marks.length ? { marks: marks.map((type) => ({ type })) } : {}) });
const paragraph = (...content: unknown[]) => ({ type: "paragraph", content });

describe("adfToText", () => {
  it("writes headings as # lines and lists as - lines", () => {
    const doc = adf.doc(adf.heading(1, "Goal"), adf.paragraph("Make it fast."), adf.heading(3, "Acceptance criteria"), adf.bullets("p99 < 100ms", "no errors"));
    expect(adfToText(doc)).toBe("# Goal\nMake it fast.\n### Acceptance criteria\n- p99 < 100ms\n- no errors");
  });

  it("writes a paragraph bold from end to end as **text**, even split in pieces", () => {
    expect(adfToText(adf.doc(paragraph(text("Acceptance ", "strong"), text("criteria", "strong", "em"), text(" "))))).toBe("**Acceptance criteria**");
    expect(adfToText(adf.doc(paragraph(text("Partly ", "strong"), text("bold"))))).toBe("Partly bold");
  });

  it("turns hard breaks into new lines and keeps mentions, emoji and links as text", () => {
    const doc = adf.doc(
      paragraph(
        text("Acceptance criteria:"),
        { type: "hardBreak" },
        { type: "mention", attrs: { id: "1", text: "@Alice" } },
        text(" approves "),
        { type: "emoji", attrs: { shortName: ":tada:" } },
        text(" see "),
        { type: "inlineCard", attrs: { url: "https://example.com" } },
      ),
    );
    expect(adfToText(doc)).toBe("Acceptance criteria:\n@Alice approves :tada: see https://example.com");
  });

  it("walks panels, quotes, tables and node types it does not know for their text", () => {
    const doc = adf.doc(
      { type: "panel", attrs: { panelType: "info" }, content: [adf.heading(2, "Acceptance criteria")] },
      { type: "blockquote", content: [adf.paragraph("quoted")] },
      { type: "table", content: [{ type: "tableRow", content: [{ type: "tableCell", content: [adf.paragraph("a")] }, { type: "tableCell", content: [adf.paragraph("b")] }] }] },
      { type: "someFutureNode", content: [adf.paragraph("future")] },
    );
    expect(adfToText(doc)).toBe("## Acceptance criteria\nquoted\na | b\nfuture");
  });

  it("takes wiki markup (a string) as it is, and anything else as nothing", () => {
    expect(adfToText("h2. Acceptance criteria\n* works")).toBe("h2. Acceptance criteria\n* works");
    expect(adfToText(null)).toBe("");
    expect(adfToText(undefined)).toBe("");
    expect(adfToText(42)).toBe("");
    expect(adfToText({ type: "doc", content: "not an array" })).toBe("");
    expect(adfToText({ type: "doc", content: [null, 3, { type: "paragraph", content: [{ type: "text", text: 5 }] }] })).toBe("");
  });
});

describe("wikiToText", () => {
  it("writes h1.–h6. headings as # lines and every kind of list item as a - line", () => {
    expect(wikiToText("h1. Goal\nMake it fast.\nh3. Acceptance criteria\n# first\n## nested\n* bullet\n#* mixed\n- dash")).toBe(
      "# Goal\nMake it fast.\n### Acceptance criteria\n- first\n- nested\n- bullet\n- mixed\n- dash",
    );
  });

  it("leaves bold lines, rules, words with marks and code blocks as they are", () => {
    expect(wikiToText("*Acceptance criteria:*\n----\n*bold* start\nh3.no space")).toBe("*Acceptance criteria:*\n----\n*bold* start\nh3.no space");
    expect(wikiToText("{code:bash}\n# a comment\n{code}\n# an item\n{noformat}# x{noformat}\n# another")).toBe("{code:bash}\n# a comment\n{code}\n- an item\n{noformat}# x{noformat}\n- another");
  });

  it("reads a document that is not a string as ADF", () => {
    expect(wikiToText(adf.doc(adf.heading(2, "Acceptance criteria")))).toBe("## Acceptance criteria");
    expect(wikiToText(null)).toBe("");
  });
});

describe("acceptance criteria in Jira descriptions", () => {
  it.each([
    ["a heading with content under it", adf.doc(adf.heading(2, "Acceptance criteria"), adf.bullets("works")), true],
    ["a bold line with content under it", adf.doc(adf.bold("Acceptance Criteria:"), adf.paragraph("Given, when, then.")), true],
    ["a heading with nothing under it", adf.doc(adf.paragraph("Intro"), adf.heading(2, "Acceptance criteria")), false],
    ["a heading followed by another heading", adf.doc(adf.heading(2, "Acceptance criteria"), adf.heading(2, "Notes"), adf.paragraph("x")), false],
    ["no such section", adf.doc(adf.paragraph("The acceptance criteria are obvious.")), false],
    ["wiki markup", "h3. Acceptance criteria\n* it works", true],
    ["no description", null, false],
  ])("%s", (_label, description, expected) => {
    expect(hasAcceptanceCriteria(adfToText(description))).toBe(expected);
  });

  it.each([
    ["a heading with a numbered list under it", "h3. Acceptance criteria\n# it works\n# it is tested", true],
    ["a bold line with a bullet under it", "*Acceptance criteria*\n* it works", true],
    ["a heading with nothing under it but another heading", "h3. Acceptance criteria\nh3. Notes\ntext", false],
  ])("wiki markup: %s", (_label, description, expected) => {
    expect(hasAcceptanceCriteria(wikiToText(description))).toBe(expected);
  });
});
