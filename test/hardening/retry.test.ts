/**
 * The retry policy both clients share (src/trackers/retry.ts), with its sleep and clock injected: the
 * waits it asks for, that it waits them before the next attempt, and where it gives up. No timers
 * run, so what is observed cannot depend on how busy the machine is. The commands' tests count the
 * attempts the servers saw and read the notices; this is where the waiting itself is proven.
 */
import { describe, expect, test } from "vitest";
import { parseRetryAfter, sleep, withRetry, type RetryDecision, type RetryOptions } from "../../src/trackers/retry.js";

class Failure extends Error {
  constructor(readonly decision: RetryDecision) {
    super("failed");
  }
}

/** A clock that only the injected sleep moves, and a log of what happened in which order. */
function harness(outcomes: (RetryDecision | "ok")[], options: Partial<RetryOptions> = {}) {
  let clock = 0;
  const log: string[] = [];
  const delays: number[] = [];
  const run = withRetry(
    async (n) => {
      log.push(`attempt ${n}`);
      const outcome = outcomes[n - 1] ?? { retry: false };
      if (outcome === "ok") return n;
      throw new Failure(outcome);
    },
    {
      decide: (error) => (error as Failure).decision,
      giveUp: (error, attempts) => Object.assign(error as Error, { attempts }),
      sleep: async (ms) => {
        delays.push(ms);
        log.push(`sleep ${ms}`);
        clock += ms;
      },
      now: () => clock,
      ...options,
    },
  );
  return { run, log, delays, elapsed: () => clock };
}

/** Let every queued callback run: nothing here waits on I/O or timers. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("withRetry", () => {
  test("waits what Retry-After asks, then tries again", async () => {
    const { run, log } = harness([{ retry: true, afterMs: 1000 }, "ok"]);
    expect(await run).toBe(2);
    expect(log).toEqual(["attempt 1", "sleep 1000", "attempt 2"]);
  });

  test("the next attempt waits for the sleep to end", async () => {
    let wake!: () => void;
    const attempts: number[] = [];
    const run = withRetry(
      async (n) => {
        attempts.push(n);
        if (n === 1) throw new Failure({ retry: true, afterMs: 1000 });
        return n;
      },
      { decide: (error) => (error as Failure).decision, sleep: () => new Promise<void>((resolve) => (wake = resolve)) },
    );
    await settle();
    expect(attempts).toEqual([1]);
    wake();
    expect(await run).toBe(2);
    expect(attempts).toEqual([1, 2]);
  });

  test("without Retry-After: exponential backoff with jitter, within [base/2, base] doubling each time", async () => {
    const { run, delays } = harness([{ retry: true }, { retry: true }, { retry: true }, "ok"], { policy: { baseDelayMs: 500 } });
    expect(await run).toBe(4);
    expect(delays).toHaveLength(3);
    [500, 1000, 2000].forEach((backoff, i) => {
      expect(delays[i]).toBeGreaterThanOrEqual(backoff / 2);
      expect(delays[i]).toBeLessThanOrEqual(backoff);
    });
  });

  test("the single wait is capped by maxDelayMs", async () => {
    const { run, delays } = harness([{ retry: true }, { retry: true }, { retry: true }, "ok"], { policy: { baseDelayMs: 4000, maxDelayMs: 5000 } });
    await run;
    expect(Math.max(...delays)).toBeLessThanOrEqual(5000);
  });

  test("gives up after the policy's attempts, saying how many were made", async () => {
    const { run, log } = harness([1, 2, 3, 4, 5].map(() => ({ retry: true, afterMs: 0 })));
    await expect(run).rejects.toMatchObject({ attempts: 4 });
    expect(log.filter((l) => l.startsWith("attempt"))).toHaveLength(4);
  });

  test("a failure that is not worth retrying is thrown after one attempt, with no wait", async () => {
    const { run, log } = harness([{ retry: false }, "ok"]);
    await expect(run).rejects.toMatchObject({ attempts: 1 });
    expect(log).toEqual(["attempt 1"]);
  });

  test("a wait longer than maxDelayMs is not waited: it gives up at once", async () => {
    const { run, log } = harness([{ retry: true, afterMs: 3_600_000 }, "ok"], { policy: { maxDelayMs: 10_000 } });
    await expect(run).rejects.toMatchObject({ attempts: 1 });
    expect(log).toEqual(["attempt 1"]);
  });

  test("no wait goes past maxTotalMs since the first attempt, by the injected clock", async () => {
    const { run, log, elapsed } = harness([{ retry: true, afterMs: 2000 }, { retry: true, afterMs: 2000 }, "ok"], { policy: { maxTotalMs: 3000 } });
    await expect(run).rejects.toMatchObject({ attempts: 2 });
    expect(log).toEqual(["attempt 1", "sleep 2000", "attempt 2"]);
    expect(elapsed()).toBe(2000);
  });

  test("onRetry hears each wait before it starts, with the delay the sleep gets", async () => {
    const heard: string[] = [];
    const { run, log } = harness([{ retry: true, afterMs: 1000 }, { retry: true, afterMs: 0 }, "ok"], {
      onRetry: ({ attempt, delayMs }) => void heard.push(`${attempt}: ${delayMs}`),
    });
    await run;
    expect(heard).toEqual(["1: 1000", "2: 0"]);
    expect(log).toEqual(["attempt 1", "sleep 1000", "attempt 2", "sleep 0", "attempt 3"]);
  });
});

describe("sleep", () => {
  test("an aborted signal ends the wait with the signal's reason", async () => {
    const controller = new AbortController();
    const waiting = sleep(600_000, controller.signal);
    controller.abort(new Error("interrupted"));
    await expect(waiting).rejects.toThrow("interrupted");
    await expect(sleep(600_000, controller.signal)).rejects.toThrow("interrupted");
  });
});

describe("parseRetryAfter", () => {
  test("seconds or an HTTP date, as milliseconds from the given now", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("1", now)).toBe(1000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
