import { parseYaml, parseYamlFully } from "../src/text/yaml.js";
import { parsePlainYaml } from "../src/text/plain-yaml.js";
import { readFileSync } from "node:fs";
const docs = ["a:\nb: 1", "a: # c\nb: 1", "a:   \nb: x", "l:\n  -\n  - x", "l:\n- a\n- b", "m:\n  x: 1", "s:\n  - n: 1\n    d: 2", "f: [a, b]", "g: { x: 1, y: 2 }", "e: []", "h:\n  - - a\n    - b", "k: v\n", "l:\n  - \n  - x #c", "x: 'it''s'", "y: \"a: b # c\" # d", "n: [1, 0x1f, .5, -2, 1e3, .inf, ~, null, true]"];
const ex = readFileSync("test/fixtures/example/projects/new-region/project.md", "utf8"); docs.push(ex.slice(4, ex.indexOf("\n---", 3)));
const t = readFileSync("templates/project.md", "utf8"); docs.push(t.slice(4, t.indexOf("\n---", 3)));
function paths(v: unknown, p: PropertyKey[] = [], out: PropertyKey[][] = []): PropertyKey[][] {
  out.push(p);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...p, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...p, k], out);
  return out;
}
for (const d of docs) {
  const fast = parsePlainYaml(d);
  if (!fast) { console.log("NOT PLAIN", JSON.stringify(d.slice(0, 40))); continue; }
  const full = parseYamlFully(d, { file: "f" });
  const plain = parseYaml(d, { file: "f" });
  const same = JSON.stringify(plain.value) === JSON.stringify(full.value);
  const diffs = paths(full.value).flatMap((p) => (["key", "value"] as const).flatMap((w) => (plain.where(p, w) === full.where(p, w) ? [] : [`${p.join(".")} ${w}: plain ${plain.where(p, w)} full ${full.where(p, w)}`])));
  console.log(same && diffs.length === 0 ? "ok  " : "DIFF", JSON.stringify(d.slice(0, 30)));
  if (!same) console.log("  ", JSON.stringify(plain.value), JSON.stringify(full.value));
  diffs.slice(0, 6).forEach((x) => console.log("   ", x));
}
