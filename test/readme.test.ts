/**
 * The README's DoR and DoD tables are generated from templates/gates.yaml.
 * `npm run docs` rewrites them; this test fails when they drift.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gateTable } from "../src/gates/readme-tables.js";
import { parseGates } from "../src/gates/definitions.js";

const README = new URL("../README.md", import.meta.url);
const gates = parseGates(readFileSync(new URL("../templates/gates.yaml", import.meta.url), "utf8"));

function replaceBetween(text: string, name: string, content: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`README has no ${start} … ${end} block`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

describe("README", () => {
  it("shows the gates exactly as templates/gates.yaml defines them", () => {
    const current = readFileSync(README, "utf8");
    let expected = replaceBetween(current, "dor", gateTable(gates.dor));
    expected = replaceBetween(expected, "dod", gateTable(gates.dod));
    if (process.env.UPDATE_README) writeFileSync(README, expected);
    expect(current, "README tables are out of date: run `npm run docs`").toBe(process.env.UPDATE_README ? current : expected);
  });

  it("lists every criterion id of both gates", () => {
    const text = readFileSync(README, "utf8");
    for (const c of [...gates.dor.criteria, ...gates.dod.criteria]) expect(text).toContain(`\`${c.id}\``);
  });
});
