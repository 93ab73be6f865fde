/** The pure milestone rules at their edges: state boundaries, ordering, rounding, dates. */
import { describe, expect, test } from "vitest";
import { buildMilestoneReport, isDone, iterationDueOn, milestoneState, toDay, type ProjectItem } from "../../src/milestones/summary.js";

const TODAY = "2026-03-10";

function item(overrides: Partial<ProjectItem> = {}): ProjectItem {
  return { archived: false, content: { type: "issue", closed: false }, milestone: null, status: null, estimate: null, ...overrides };
}

describe("state", () => {
  const state = (total: number, done: number, dueOn: string | null) => milestoneState({ total, done, dueOn }, TODAY);

  test("done wins over any date; no due date next", () => {
    expect(state(3, 3, "2020-01-01")).toBe("done");
    expect(state(3, 2, null)).toBe("no-due-date");
  });

  test("overdue from the day after the due date", () => {
    expect(state(3, 2, "2026-03-09")).toBe("overdue");
    expect(state(100, 99, TODAY)).toBe("at-risk"); // due today, anything open
  });

  test("at-risk when the open share exceeds the share of the last 14 days left", () => {
    expect(state(100, 50, "2026-03-17")).toBe("on-track"); // 7 days left, exactly half open
    expect(state(100, 49, "2026-03-17")).toBe("at-risk"); // 7 days left, 51 % open
    expect(state(100, 0, "2026-03-24")).toBe("on-track"); // 14 days left, all open: the line starts here
    expect(state(100, 0, "2026-03-25")).toBe("on-track"); // 15 days: outside the window
    expect(state(10, 9, "2026-03-11")).toBe("at-risk"); // 1 day left, 10 % open > 1/14
    expect(state(100, 95, "2026-03-11")).toBe("on-track"); // 1 day left, 5 % open < 1/14
  });

  test("a milestone with no items (a Jira version nothing is planned in) is never done: its date decides", () => {
    expect(state(0, 0, null)).toBe("no-due-date");
    expect(state(0, 0, "2026-03-09")).toBe("overdue");
    expect(state(0, 0, TODAY)).toBe("on-track");
    expect(state(0, 0, "2026-06-30")).toBe("on-track");
  });
});

describe("done", () => {
  test("a status decides when there is one, whatever the issue's state", () => {
    expect(isDone(item({ status: "Todo", content: { type: "issue", closed: true } }), ["Done"])).toBe(false);
    expect(isDone(item({ status: "Done", content: { type: "draft" } }), ["Done"])).toBe(true);
    expect(isDone(item({ status: "done" }), ["Done"])).toBe(false); // values match exactly
  });

  test("without a status: closed issues, merged or closed pull requests; never drafts or unknowns", () => {
    expect(isDone(item({ content: { type: "issue", closed: true } }), ["Done"])).toBe(true);
    expect(isDone(item({ content: { type: "pull-request", closed: true } }), ["Done"])).toBe(true);
    expect(isDone(item({ content: { type: "pull-request", closed: false } }), ["Done"])).toBe(false);
    expect(isDone(item({ content: { type: "draft" } }), ["Done"])).toBe(false);
    expect(isDone(item({ content: { type: "issue", closed: null } }), ["Done"])).toBe(false);
  });
});

describe("dates", () => {
  test("GitHub DateTimes become UTC days; empty is none", () => {
    expect(toDay("2026-12-15T08:00:00Z")).toBe("2026-12-15");
    expect(toDay("2026-12-15")).toBe("2026-12-15");
    expect(toDay("")).toBeNull();
    expect(toDay(null)).toBeNull();
    expect(toDay("soon")).toBeNull();
  });

  test("an iteration is due on its last day", () => {
    expect(iterationDueOn("2026-01-05", 14)).toBe("2026-01-18");
    expect(iterationDueOn("2026-02-23", 7)).toBe("2026-03-01");
    expect(iterationDueOn("2026-01-05", 1)).toBe("2026-01-05");
  });
});

describe("report", () => {
  const now = new Date(`${TODAY}T12:00:00Z`);
  const m = (name: string, dueOn: string | null) => ({ milestone: { name, dueOn } });

  test("order: due date, then name (numbers compared as numbers), undated after dated, no milestone last", () => {
    const report = buildMilestoneReport(
      { title: "t", url: null },
      [item(), item(m("Later", null)), item(m("M10", "2026-04-01")), item(m("M2", "2026-04-01")), item(m("Early", "2026-03-20")), item(m("Another", null))],
      { doneValues: ["Done"], now },
    );
    expect(report.milestones.map((x) => x.name)).toEqual(["Early", "M2", "M10", "Another", "Later", null]);
  });

  test("percent rounds half up; point sums lose no precision to binary noise", () => {
    const items = [
      item({ ...m("A", null), status: "Done", estimate: 0.1 }),
      item({ ...m("A", null), estimate: 0.2 }),
      ...Array.from({ length: 6 }, () => item({ ...m("A", null), estimate: 0.1 })),
    ];
    const [a] = buildMilestoneReport({ title: "t", url: null }, items, { doneValues: ["Done"], now }).milestones;
    expect(a).toMatchObject({ total: 8, done: 1, percent: 13, points: { total: 0.9, done: 0.1 } });
  });

  test("an archived redacted item counts once, as archived", () => {
    const report = buildMilestoneReport({ title: "t", url: null }, [item({ archived: true, content: { type: "redacted" } }), item({ content: { type: "redacted" } })], {
      doneValues: ["Done"],
      now,
    });
    expect(report).toEqual({ source: "github", project: { title: "t", url: null }, milestones: [], skipped: { archived: 1, redacted: 1 } });
  });
});
