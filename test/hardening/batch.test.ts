/**
 * Batching both clients share (src/trackers/batch.ts): chunks, and at most `limit` pieces of work at
 * once, counted with work that ends only when the test says so. No I/O and no timers.
 */
import { describe, expect, test } from "vitest";
import { chunk, mapLimit } from "../../src/trackers/batch.js";

/** Let every queued callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("chunk", () => {
  test("splits in order, the last piece shorter", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 50)).toEqual([]);
  });
});

describe("mapLimit", () => {
  test("starts `limit` pieces at once, the next only when one ends, and keeps the order of the results", async () => {
    const started: number[] = [];
    const finish = new Map<number, (value: string) => void>();
    const done = mapLimit([0, 1, 2, 3, 4, 5], 4, (i) => {
      started.push(i);
      return new Promise<string>((resolve) => finish.set(i, resolve));
    });
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    finish.get(2)!("c");
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    for (const i of [0, 1, 3]) finish.get(i)!(String.fromCharCode(97 + i));
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    finish.get(5)!("f");
    finish.get(4)!("e");
    expect(await done).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  test("fewer items than the limit: all at once", async () => {
    let running = 0;
    let most = 0;
    await mapLimit([1, 2], 4, async () => {
      most = Math.max(most, ++running);
      await settle();
      running--;
    });
    expect(most).toBe(2);
  });
});
