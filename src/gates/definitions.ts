/**
 * The gate definitions (templates/gates.yaml) as types, validated on load.
 * Criteria are data: id, group, title and the evidence that meets them.
 */
import { parse } from "yaml";
import { z } from "../text/zod.js";

export const RULES = ["dependencies", "rfc-approved", "milestones", "mvp", "security", "capacity", "rolled-out"] as const;
export type RuleName = (typeof RULES)[number];

export type Evidence =
  | { section: string; in: "rfc" | "project"; guidance: string }
  | { field: string; link: boolean }
  | { rule: RuleName }
  | { linked: "ready" | "done" | "exists"; from: "milestones" | "future_work" }
  | { any: Evidence[] };

const nonEmpty = z.string().check(z.minLength(1));

const evidenceSchema: z.ZodMiniType<Evidence> = z.lazy(() =>
  z.union([
    z.strictObject({
      section: nonEmpty,
      in: z._default(z.enum(["rfc", "project"]), "rfc"),
      guidance: z._default(z.string(), ""),
    }),
    z.strictObject({ field: nonEmpty, link: z._default(z.boolean(), false) }),
    z.strictObject({ rule: z.enum(RULES) }),
    z.strictObject({ linked: z.enum(["ready", "done", "exists"]), from: z.enum(["milestones", "future_work"]) }),
    z.strictObject({ any: z.array(evidenceSchema).check(z.minLength(2)) }),
  ]),
);

const criterionSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)),
  group: nonEmpty,
  title: nonEmpty,
  evidence: z.array(evidenceSchema).check(z.minLength(1)),
});

const gateSchema = z.strictObject({
  name: nonEmpty,
  criteria: z.array(criterionSchema).check(z.minLength(1)),
});

const gatesSchema = z.strictObject({ dor: gateSchema, dod: gateSchema });

export type GateId = "dor" | "dod";
export type Criterion = z.infer<typeof criterionSchema>;
export interface Gate {
  id: GateId;
  name: string;
  criteria: Criterion[];
}
export type Gates = Record<GateId, Gate>;

export function parseGates(text: string): Gates {
  const data = gatesSchema.parse(parse(text));
  const gates: Gates = {
    dor: { id: "dor", ...data.dor },
    dod: { id: "dod", ...data.dod },
  };
  const seen = new Set<string>();
  for (const gate of Object.values(gates)) {
    for (const criterion of gate.criteria) {
      if (seen.has(criterion.id)) throw new Error(`criterion id '${criterion.id}' is defined twice`);
      seen.add(criterion.id);
    }
  }
  return gates;
}

export function allCriterionIds(gates: Gates): string[] {
  return [...gates.dor.criteria, ...gates.dod.criteria].map((c) => c.id);
}

/** Every section evidence of a gate, in order, for the templates and the README. */
export function sectionsOf(gate: Gate, where: "rfc" | "project"): { heading: string; guidance: string; criterion: Criterion }[] {
  const out: { heading: string; guidance: string; criterion: Criterion }[] = [];
  const visit = (e: Evidence, criterion: Criterion) => {
    if ("section" in e && e.in === where) out.push({ heading: e.section, guidance: e.guidance, criterion });
    if ("any" in e) e.any.forEach((x) => visit(x, criterion));
  };
  for (const criterion of gate.criteria) criterion.evidence.forEach((e) => visit(e, criterion));
  return out;
}
