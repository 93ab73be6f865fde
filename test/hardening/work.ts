/**
 * Work done, counted rather than timed: a string whose character reads are counted. A scanner that
 * reads its input through `charCodeAt` does work proportional to the count, so comparing the count for
 * an input of length n with the count for 2n shows linear (or not) behaviour deterministically.
 */

class CountingString extends String {
  reads = 0;

  override charCodeAt(index: number): number {
    this.reads++;
    return super.charCodeAt(index);
  }
}

/** How many characters `fn` reads from `text`. */
export function charReads(fn: (text: string) => unknown, text: string): number {
  const counted = new CountingString(text);
  fn(counted as unknown as string);
  return counted.reads;
}

/** Adversarial text: `unit` repeated to `length` characters, with `tail` after it. */
export function run(unit: string, length: number, tail = ""): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length) + tail;
}

/** The adversarial shapes the suites try, each built at any length. */
export const ADVERSARIAL: Record<string, (n: number) => string> = {
  "spaces then a letter": (n) => `# a${run(" ", n)}x`,
  "spaces then a hash": (n) => `# a${run(" ", n)}#x`,
  dots: (n) => `# ${run(".", n)}x`,
  "dots and spaces": (n) => `# ${run(". ", n)}x`,
  hashes: (n) => run("#", n, " x"),
  "hash space runs": (n) => `#${run(" #", n)}x`,
  stars: (n) => `# ${run("*", n)}`,
  dashes: (n) => run("-", n, "1"),
  digits: (n) => `# ${run("1.", n)}x`,
  "word dash digit": (n) => run("a-1", n),
  "one long word": (n) => run("a", n),
  "letters then digits": (n) => `${run("a", n / 2)}-${run("1", n / 2)}`,
  colons: (n) => run(":", n),
  escapes: (n) => run("\u001b[", n),
  mixed: (n) => run("# .-*1 \t:", n),
};
