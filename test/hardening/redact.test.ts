/**
 * The redactor (src/io/redact.ts): known secrets, URL user info and header credentials become `***`,
 * in one string or across the writes of a stream, in linear time.
 */
import { Writable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRedactor, HOLD_LIMIT, MIN_SECRET_LENGTH, secretsFromEnv } from "../../src/io/redact.js";

const GH = "ghp_SECRETsecret1234567890";
const JIRA = "ATATT3xSECRETjiratoken1234567890";
const EMAIL = "secret.person@example.com";
const BASIC = Buffer.from(`${EMAIL}:${JIRA}`).toString("base64");

class Sink extends Writable {
  text = "";
  writes = 0;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    this.writes++;
    done();
  }
}

/** Write `chunks` through a redacting stream and return what came out once it ended. */
async function throughStream(redactor: ReturnType<typeof createRedactor>, chunks: readonly (string | Buffer)[]): Promise<string> {
  const sink = new Sink();
  const stream = redactor.stream(sink);
  for (const chunk of chunks) stream.write(chunk);
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return sink.text;
}

describe("createRedactor", () => {
  const redact = createRedactor([GH, JIRA, EMAIL, BASIC]);

  it("replaces every occurrence of every secret", () => {
    expect(redact(`token ${GH} and ${GH}; jira ${JIRA} for ${EMAIL}`)).toBe("token *** and ***; jira *** for ***");
    expect(redact(`Authorization: Basic ${BASIC}`)).toBe("Authorization: Basic ***");
  });

  it("covers overlapping secrets as one stretch, leaking no part of either", () => {
    const r = createRedactor(["abcdef", "defghi"]);
    expect(r("xx abcdefghi yy")).toBe("xx *** yy");
    expect(r("abcdefabcdef")).toBe("******");
    expect(createRedactor(["aaaa"])("aaaaaaa")).toBe("***");
  });

  it("ignores secrets shorter than MIN_SECRET_LENGTH, and empty or missing ones", () => {
    const r = createRedactor(["x", "42", "", undefined, null, "abc"]);
    expect(MIN_SECRET_LENGTH).toBe(4);
    expect(r("x 42 abc")).toBe("x 42 abc");
  });

  it("takes a secret with line breaks line by line, and its trimmed form", () => {
    const r = createRedactor(["  line-one-secret\nline-two-secret\n"]);
    expect(r("line-one-secret then line-two-secret")).toBe("*** then ***");
  });

  it("removes the user info of any URL, wherever it is", () => {
    const r = createRedactor([]);
    expect(r("fetch https://user:pass@example.com/x failed")).toBe("fetch https://***@example.com/x failed");
    expect(r("'http://x-access-token:abc@127.0.0.1:99/graphql'")).toBe("'http://***@127.0.0.1:99/graphql'");
    expect(r("git+ssh://git:p@ss;w,rd@host?x")).toBe("git+ssh://***@host?x");
    expect(r("mail a@b.c at https://example.com/a@b")).toBe("mail a@b.c at https://example.com/a@b");
    expect(r("a://b://c@d")).toBe("a://b://***@d");
  });

  it("removes Basic and Bearer credentials that look like tokens, known or not", () => {
    const r = createRedactor([]);
    expect(r("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")).toBe("Authorization: Bearer ***");
    expect(r("authorization: basic dXNlcjpwYXNzd29yZA==")).toBe("authorization: basic ***");
    // Words after them are not credentials.
    expect(r("Basic authentication failed; JIRA_AUTH_TYPE=bearer takes a personal access token")).toBe(
      "Basic authentication failed; JIRA_AUTH_TYPE=bearer takes a personal access token",
    );
  });

  it("learns secrets later, for streams made before too", async () => {
    const r = createRedactor([]);
    const sink = new Sink();
    const stream = r.stream(sink);
    r.add("gho_fromGhAuthToken123");
    stream.write("gho_fromGh");
    stream.write("AuthToken123\n");
    expect(r("x gho_fromGhAuthToken123")).toBe("x ***");
    expect(sink.text).toBe("***\n");
  });

  it("never leaves a secret in the output (property)", () => {
    const secret = fc.string({ unit: fc.constantFrom("a", "b", "c", "1", "_", ":", "@", "/"), minLength: 4, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(secret, { minLength: 1, maxLength: 4 }), fc.array(fc.constantFrom("a", "b", "c", "1", "_", " ", "\n", ":", "@", "/", "x"), { maxLength: 80 }), (secrets, filler) => {
        const text = filler.join("") + secrets.join(filler.slice(0, 3).join("")) + filler.join("");
        const out = createRedactor(secrets)(text);
        for (const s of secrets) expect(out).not.toContain(s);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("redactor.stream", () => {
  const redact = createRedactor([GH, JIRA, EMAIL, BASIC]);
  const text = `one ${GH}\nBasic ${BASIC} two ${JIRA}${EMAIL}\nhttps://u:pw-secret@h/x ${GH}`;

  it("finds a secret split over two writes, at every split point", async () => {
    const whole = redact(text);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(await throughStream(redact, [text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toBe(whole);
    }
  });

  it("gives what the function gives, however the text is cut into writes (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 8 }), async (cuts) => {
        const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), text.length];
        const chunks = points.slice(1).map((end, i) => text.slice(points[i], end));
        expect(await throughStream(redact, chunks)).toBe(redact(text));
      }),
      { numRuns: 300 },
    );
  });

  it("decodes UTF-8 split inside a character", async () => {
    const bytes = Buffer.from(`é ${GH} ü\n`);
    expect(await throughStream(redact, [bytes.subarray(0, 1), bytes.subarray(1, 9), bytes.subarray(9)])).toBe("é *** ü\n");
  });

  it("passes a line on as soon as it is complete, and holds back an unfinished one", async () => {
    const sink = new Sink();
    const stream = redact.stream(sink);
    stream.write("first line\nsecond ghp_SECRET");
    expect(sink.text).toBe("first line\n");
    stream.write("secret1234567890 done\n");
    expect(sink.text).toBe("first line\nsecond *** done\n");
    stream.end();
  });

  it("lets a line longer than HOLD_LIMIT through in pieces, still without a secret", async () => {
    const long = `${"x".repeat(HOLD_LIMIT - 5)}${GH}${"y".repeat(HOLD_LIMIT)}https://u:pw-long@h ${JIRA}`;
    const chunks = long.match(/[^]{1,1000}/g)!;
    const out = await throughStream(redact, chunks);
    for (const secret of [GH, JIRA, "pw-long"]) expect(out).not.toContain(secret);
    expect(out).toBe(redact(long));
  });

  it("does not end the stream it writes to unless asked", async () => {
    const sink = new Sink();
    const stream = redact.stream(sink);
    stream.end("bye");
    await new Promise((resolve) => stream.on("finish", resolve));
    expect(sink.writableEnded).toBe(false);
    const closing = redact.stream(sink, { end: true });
    closing.end("!");
    await new Promise((resolve) => sink.on("finish", resolve));
    expect(sink.text).toBe("bye!");
  });
});

describe("secretsFromEnv", () => {
  it("collects the tokens, the e-mail, the Basic value and URL passwords", () => {
    const secrets = secretsFromEnv({
      GH_TOKEN: GH,
      GITHUB_TOKEN: "ghs_other0987654321",
      JIRA_API_TOKEN: ` ${JIRA} `,
      JIRA_EMAIL: EMAIL,
      JIRA_HOST: "https://jira.example.com",
      GITHUB_GRAPHQL_URL: "https://x-access-token:p%40ss-word@ghe.example.com/api/graphql",
      PATH: "/usr/bin",
    });
    expect(secrets).toEqual(
      expect.arrayContaining([GH, "ghs_other0987654321", JIRA, EMAIL, BASIC, Buffer.from(`${EMAIL}: ${JIRA} `).toString("base64"), "p%40ss-word", "p@ss-word"]),
    );
    expect(secrets).not.toContain("/usr/bin");
    expect(secrets).not.toContain("x-access-token");
  });

  it("is empty for an environment without credentials", () => {
    expect(secretsFromEnv({ PATH: "/bin", JIRA_API_TOKEN: "x" })).toEqual([]);
  });
});

describe("work is linear in the input", () => {
  it("finishes on 1 MB of near-misses of many secrets (a hang guard, not a timing)", () => {
    const secrets = Array.from({ length: 50 }, (_, i) => `${"a".repeat(40)}${i}`);
    const r = createRedactor(secrets);
    const text = `${"a".repeat(1_000_000)}7`;
    // Only the last 41 characters are a secret; the rest is a prefix of all fifty.
    expect(r(text)).toBe(`${"a".repeat(1_000_000 - 40)}***`);
    expect(r("https://".repeat(120_000))).toBe("https://".repeat(120_000));
    expect(r("Bearer ".repeat(140_000)).length).toBe("Bearer ".repeat(140_000).length);
  });
});
