/**
 * The output boundary as the commands use it: hostile text from files and servers reaches no terminal
 * raw in any format, no line of Markdown or plain output starts a workflow command, secrets stay out of
 * commander's own errors, broken answers read as one sentence, failed writes of stdout and of a project
 * read like what they are.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp.js";
import { copyExample, editFrontMatter, projectRoot, run } from "../spine/support.js";

const bin = fileURLToPath(new URL("../../bin/cloud.js", import.meta.url));
/** OSC 52 (write the clipboard), a screen clear, a bidi override, and a workflow command after a newline. */
const HOSTILE = "Region \u001b]52;c;cHduZWQ=\u0007\u001b[2J\u202enoitcejni\n::add-mask::secret-value";

function hostileExample() {
  const ex = copyExample();
  editFrontMatter(ex.projectMd, (fm) => {
    fm.title = HOSTILE;
    fm.rfc.doc = "missing\u001b[31m.md";
  });
  return ex;
}

const ESC = "\u001b";

describe("hostile text in a project's front matter", () => {
  it.each([
    ["table on a terminal", ["--offline"], true],
    ["plain", ["--offline"], false],
    ["markdown", ["--offline", "--format", "markdown"], false],
    ["github", ["--offline", "--format", "github"], false],
  ] as [string, string[], boolean][])("%s: no escape sequence, control character or bidi override reaches stdout raw", async (_name, args, tty) => {
    const { root } = hostileExample();
    const result = await run(["dor", "check", ...args], { cwd: root, tty, columns: 200 });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain(ESC);
    expect(result.stdout).not.toContain("\u0007");
    expect(result.stdout).not.toContain("\u202e");
    // The controls are shown, not hidden: the reader sees what the text tried to do.
    expect(result.stdout).toContain("missing^[[31m.md");
    if (args.includes("github")) {
      // Annotation values are percent-escaped, and the title is one line: no second command.
      expect(result.stdout).toContain("^[]52;c;");
      expect(result.stdout).toContain("%3A%3Aadd-mask%3A%3A");
    } else if (!tty || args.includes("markdown")) {
      expect(result.stdout).not.toContain("\n::");
    }
    for (const line of result.stdout.split("\n")) {
      if (!args.includes("github")) expect(line.trimStart().startsWith("::"), line).toBe(false);
    }
  });

  it("--json keeps the text, escaped as JSON", async () => {
    const { root } = hostileExample();
    const result = await run(["dor", "check", "--offline", "--json"], { cwd: root });
    expect(result.stdout).not.toContain(ESC);
    expect(JSON.parse(result.stdout).projects[0].title).toBe(HOSTILE);
  });

  it("an error message quoting file text shows its controls", async () => {
    const { root, projectMd } = copyExample();
    editFrontMatter(projectMd, (fm) => {
      fm.waivers = { [`x${ESC}[2Jy`]: "reason" };
    });
    const result = await run(["dor", "check", "--offline"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain(ESC);
    expect(result.stderr).toContain("x^[[2Jy");
  });

  it("under a real pseudo-terminal the clipboard is never written", () => {
    const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
    if (!hasScript) return;
    const { root } = hostileExample();
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} dor check --offline`;
    const result = spawnSync("script", ["-q", "-e", "-c", command, "/dev/null"], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: "xterm", NO_COLOR: "1" },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain(`${ESC}]52`);
    expect(result.stdout).not.toContain(`${ESC}[2J`);
  });
});

describe("secrets", () => {
  it("commander's own errors are redacted too (--format \"$GH_TOKEN\")", async () => {
    const token = "ghp_SuperSecretToken0123456789";
    const result = await run(["milestone", "report", "--format", token], {
      cwd: projectRoot(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", GH_TOKEN: token },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain(token);
    expect(result.stderr).toContain("***");
  });
});

describe("broken GitHub answers", () => {
  async function answering(status: number, body: string, contentType: string) {
    const server = createServer((_req, res) => {
      res.writeHead(status, { "content-type": contentType });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    try {
      return await run(["milestone", "report", "--owner", "acme", "--project", "7", "--json"], {
        cwd: projectRoot(),
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", GH_TOKEN: "ghp_x0123456789", GITHUB_GRAPHQL_URL: url },
      });
    } finally {
      server.close();
    }
  }

  it("an HTML 500 page is named, not inlined", async () => {
    const page = `<!DOCTYPE html><html><head><title>Internal error</title></head><body>${"<p>stack frame</p>".repeat(500)}</body></html>`;
    const result = await answering(500, page, "text/html");
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: GitHub failed with HTTP 500: an HTML page titled 'Internal error'\. /);
    expect(result.stderr.length).toBeLessThan(400);
  });

  it("an answer larger than the cap is refused, not read into memory", async () => {
    const result = await answering(200, `{"data":{"x":"${"a".repeat(33 * 1024 * 1024)}"}}`, "application/json");
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/more than the 32 MiB a request may return/);
  });
});

describe("failed writes", () => {
  it("stdout that cannot be written (/dev/full): one line on stderr, a non-zero exit, no stack", () => {
    if (!existsSync("/dev/full")) return;
    const { root } = copyExample();
    const result = spawnSync("sh", ["-c", `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} dor check --offline --json > /dev/full`], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" },
      encoding: "utf8",
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/^error: cannot write the output: ENOSPC\.\n$/);
  });

  it("project init into a symlinked project folder: exit 2, nothing written there or anywhere", async () => {
    const root = projectRoot();
    const outside = tempDir("cloud-outside-");
    mkdirSync(path.join(root, "docs/projects"), { recursive: true });
    symlinkSync(outside, path.join(root, "docs/projects/linked"));
    const result = await run(["project", "init", "Linked", "--dri", "@me", "--yes"], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(path.join(root, "docs/projects"))).toEqual(["linked"]);
  });

  it("project init when rfc.md exists: exit 1, project.md not written either", async () => {
    const root = projectRoot();
    mkdirSync(path.join(root, "docs/projects/both"), { recursive: true });
    writeFileSync(path.join(root, "docs/projects/both/rfc.md"), "mine\n");
    const result = await run(["project", "init", "Both", "--dri", "@me", "--yes"], { cwd: root });
    expect(result.code).toBe(1);
    expect(readdirSync(path.join(root, "docs/projects/both"))).toEqual(["rfc.md"]);
  });
});

describe("answers that break off", () => {
  it("a Jira answer cut mid-body (200 OK, then the connection drops) is retried, not read as an answer", async () => {
    let requests = 0;
    const issue = JSON.stringify({ id: "10042", key: "CLOUD-42", fields: { summary: "The answer to everything", issuetype: { name: "Story" } } });
    const server = createServer((_req, res) => {
      requests++;
      if (requests === 1) {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(issue.length) });
        res.write(issue.slice(0, 20));
        setImmediate(() => res.socket?.destroy());
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(issue);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const repo = (await import("../helpers/tmp.js")).tempRepo();
    writeFileSync(path.join(repo, "cloud.config.yaml"), "jira:\n  deployment: cloud\n");
    try {
      const result = await run(["branch", "CLOUD-42", "--dry-run"], {
        cwd: repo,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NO_COLOR: "1",
          JIRA_HOST: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          JIRA_EMAIL: "me@example.com",
          JIRA_API_TOKEN: "token-0123456789",
        },
      });
      expect(result).toMatchObject({ code: 0, stdout: "the-answer-to-everything-CLOUD-42\n" });
      expect(requests).toBe(2);
      // A retry notice is progress for a person at a terminal: this stderr is not one.
      expect(result.stderr).not.toMatch(/trying again/);
    } finally {
      server.close();
    }
  });
});
