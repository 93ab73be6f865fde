/**
 * `cloud branch`: real git in temporary repositories, Jira as a loopback server, on Jira Cloud (REST v3,
 * basic auth) and on Jira Data Center (REST v2, a personal access token as bearer).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeIssue, loopbackJira, type Credentials, type Deployment, type FakeIssue, type JiraServer } from "../helpers/jira-server.js";
import { scriptedPrompter } from "../helpers/prompter.js";
import { baseEnv, cli, type CliRunOptions } from "../helpers/run-cli.js";
import { git, tempDir, tempRepo } from "../helpers/tmp.js";

const DEPLOYMENTS: Deployment[] = ["cloud", "datacenter"];

const startJira = loopbackJira();
let jira: JiraServer;

const head = (repo: string) => git(repo, "rev-parse", "--abbrev-ref", "HEAD");
const branches = (repo: string) => git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads").split("\n").sort();
const branchCli = (args: string[], options: CliRunOptions) => cli(["branch", ...args], options);

describe.each(DEPLOYMENTS)("on Jira %s", (deployment) => {
  const cloud = deployment === "cloud";
  const v = cloud ? "/rest/api/3" : "/rest/api/2";
  const credentials: Credentials | undefined = cloud ? undefined : { bearer: "dc-personal-access-token-0123" };
  const start = (issues: FakeIssue[] = []) => startJira({ deployment, issues, ...(credentials ? { credentials } : {}) });

  async function withJira(...issues: FakeIssue[]): Promise<Record<string, string | undefined>> {
    jira = await start(issues);
    return baseEnv(jira.env);
  }

  describe("cloud branch KEY", () => {
    let repo: string;
    beforeEach(() => {
      repo = tempRepo();
    });

    it("looks the issue up, creates the branch with the exact name and checks it out", async () => {
      const env = await withJira(fakeIssue("CLOUD-42", "The answer to everything"));
      const result = await branchCli(["CLOUD-42"], { cwd: repo, env });
      expect(result).toMatchObject({ code: 0, stdout: "the-answer-to-everything-CLOUD-42\n" });
      expect(head(repo)).toBe("the-answer-to-everything-CLOUD-42");
      expect(branches(repo)).toEqual(["main", "the-answer-to-everything-CLOUD-42"]);
      // The host is not Atlassian's: the deployment is asked once, then the issue.
      expect(jira.requests).toEqual([expect.objectContaining({ method: "GET", path: "/rest/api/2/serverInfo" }), expect.objectContaining({ method: "GET", path: `${v}/issue/CLOUD-42`, authorized: true })]);
    });

    it.each([
      ["a key in lower case is written upper-case", "cloud-42", "The answer to everything", "the-answer-to-everything-CLOUD-42"],
      ["unicode is transliterated and emoji dropped", "CLOUD-42", "🚀 Über-schnelle Straße für Ærø 🎉", "uber-schnelle-strasse-fur-aero-CLOUD-42"],
      ["a summary of emoji only leaves the key alone", "CLOUD-42", "🚀🎉✨", "CLOUD-42"],
      ["node-20 style tokens are joined, so the branch links to one issue", "CLOUD-42", "Upgrade to node-20 and utf-8 logs", "upgrade-to-node20-and-utf8-logs-CLOUD-42"],
    ])("%s", async (_rule, typed, summary, expected) => {
      const env = await withJira(fakeIssue("CLOUD-42", summary));
      const result = await branchCli([typed], { cwd: repo, env });
      expect(result).toMatchObject({ code: 0, stdout: `${expected}\n` });
      expect(head(repo)).toBe(expected);
    });

    it("names the branch after the key that links when Jira says the issue has moved", async () => {
      const env = await withJira({ ...fakeIssue("NEW-9", "Moved work"), formerKeys: ["CLOUD-42"] });
      const result = await branchCli(["CLOUD-42"], { cwd: repo, env });
      expect(result).toMatchObject({ code: 0, stdout: "moved-work-NEW-9\n" });
      expect(result.stderr).toMatch(/^CLOUD-42 has moved to NEW-9; naming the branch after NEW-9\.\n/);
      expect(head(repo)).toBe("moved-work-NEW-9");
    });

    it("takes a bare number in jira.project", async () => {
      const env = await withJira(fakeIssue("CLOUD-7", "Seven"));
      writeFileSync(path.join(repo, "cloud.config.yaml"), "jira:\n  project: cloud\n");
      const result = await branchCli(["7"], { cwd: repo, env });
      expect(result).toMatchObject({ code: 0, stdout: "seven-CLOUD-7\n" });
    });

    it("refuses a bare number without jira.project, before asking Jira", async () => {
      const env = await withJira();
      const result = await branchCli(["7"], { cwd: repo, env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: '7' is a bare number, and jira\.project is not set\..*CLOUD-42/);
      expect(jira.requests).toEqual([]);
    });

    it.each(["CLOUD", "42-CLOUD", "CLOUD-0", "C-1", "CLOUD-42;touch x", "../CLOUD-1", "-CLOUD-1x", "TOOLONGPROJ-1", "0"])(
      "refuses the key %j with exit 2 and never sends it to Jira",
      async (key) => {
        const env = await withJira();
        const result = await branchCli(["--", key], { cwd: repo, env });
        expect(result.code).toBe(2);
        expect(result.stdout).toBe("");
        expect(result.stderr).toMatch(/^error: .* is not a Jira issue key\./);
        expect(jira.requests).toEqual([]);
        expect(branches(repo)).toEqual(["main"]);
      },
    );

    it("runs nothing from a summary full of shell metacharacters", async () => {
      const summary = "$(touch pwned1) `touch pwned2`; touch pwned3 && touch pwned4 | tee pwned5 > pwned6 $HOME ${PATH}";
      const env = await withJira(fakeIssue("CLOUD-42", summary));
      const result = await branchCli(["CLOUD-42"], { cwd: repo, env });
      expect(result.code).toBe(0);
      const name = result.stdout.trim();
      expect(name).toMatch(/^[a-z0-9-]+-CLOUD-42$/);
      expect(head(repo)).toBe(name);
      expect(readdirSync(repo).filter((f) => f.startsWith("pwned"))).toEqual([]);
      expect(readdirSync(process.cwd()).filter((f) => f.startsWith("pwned"))).toEqual([]);
    });

    it("runs nothing from a --title full of shell metacharacters either", async () => {
      const result = await branchCli(["CLOUD-42", "--title", "$(touch pwned) `touch pwned`; touch pwned && touch pwned"], { cwd: repo });
      expect(result.code).toBe(0);
      expect(existsSync(path.join(repo, "pwned"))).toBe(false);
      expect(head(repo)).toBe(result.stdout.trim());
    });

    it("cuts a 300-character summary to branch.maxLength at a word boundary", async () => {
      const summary = Array.from({ length: 50 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}`).join(" ").padEnd(300, ".");
      expect(summary).toHaveLength(300);
      const env = await withJira(fakeIssue("CLOUD-42", summary));
      const result = await branchCli(["CLOUD-42"], { cwd: repo, env });
      const name = result.stdout.trim();
      expect(name.length).toBeLessThanOrEqual(60);
      expect(name).toBe("worda-wordb-wordc-wordd-worde-wordf-wordg-wordh-CLOUD-42");
      expect(head(repo)).toBe(name);
    });

    it("fills branch.format with {type} from Jira", async () => {
      const env = await withJira(fakeIssue("CLOUD-42", "Fix login", { type: "Bug" }));
      writeFileSync(path.join(repo, "cloud.config.yaml"), 'branch:\n  format: "{type}/{key}-{slug}"\n  maxLength: 30\n');
      const result = await branchCli(["CLOUD-42"], { cwd: repo, env });
      expect(result.stdout).toBe("bug/CLOUD-42-fix-login\n");
      expect(head(repo)).toBe("bug/CLOUD-42-fix-login");
    });

    it("refuses an existing branch with exit 1 and the git switch command to use", async () => {
      git(repo, "branch", "the-answer-to-everything-CLOUD-42");
      const env = await withJira(fakeIssue("CLOUD-42", "The answer to everything"));
      const result = await branchCli(["CLOUD-42"], { cwd: repo, env });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(
        "error: branch 'the-answer-to-everything-CLOUD-42' already exists. Run \"git switch the-answer-to-everything-CLOUD-42\" to use it.\n",
      );
      expect(head(repo)).toBe("main");
    });

    it("starts the branch at --base", async () => {
      git(repo, "switch", "-q", "-c", "release");
      git(repo, "commit", "-q", "--allow-empty", "-m", "on release");
      git(repo, "switch", "-q", "main");
      const result = await branchCli(["CLOUD-42", "--title", "Hotfix", "--base", "release"], { cwd: repo });
      expect(result).toMatchObject({ code: 0, stdout: "hotfix-CLOUD-42\n" });
      expect(head(repo)).toBe("hotfix-CLOUD-42");
      expect(git(repo, "rev-parse", "HEAD")).toBe(git(repo, "rev-parse", "release"));
      expect(git(repo, "rev-parse", "HEAD")).not.toBe(git(repo, "rev-parse", "main"));
      // A topic branch does not track its base.
      expect(() => git(repo, "rev-parse", "--abbrev-ref", "hotfix-CLOUD-42@{upstream}")).toThrow();
    });

    it("does not make a branch started from a remote branch track it", async () => {
      const clone = tempDir("cloud-clone-");
      git(clone, "clone", "-q", repo, ".");
      git(clone, "config", "user.email", "test@example.com");
      const result = await branchCli(["CLOUD-42", "--title", "Topic", "--base", "origin/main"], { cwd: clone });
      expect(result).toMatchObject({ code: 0, stdout: "topic-CLOUD-42\n" });
      expect(git(clone, "rev-parse", "HEAD")).toBe(git(clone, "rev-parse", "origin/main"));
      // Tracking origin/main would make a plain `git push` aim at main.
      expect(git(clone, "config", "--get-regexp", "^branch\\.").split("\n").filter((l) => l.startsWith("branch.topic-CLOUD-42."))).toEqual([]);
    });

    it("refuses a --base that names no commit, creating nothing", async () => {
      const result = await branchCli(["CLOUD-42", "--title", "Hotfix", "--base", "no-such-branch"], { cwd: repo });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: --base 'no-such-branch' is not a branch, tag or commit in this repository\./);
      expect(branches(repo)).toEqual(["main"]);
    });

    it("--dry-run prints the name and creates nothing", async () => {
      const env = await withJira(fakeIssue("CLOUD-42", "The answer to everything"));
      const result = await branchCli(["CLOUD-42", "--dry-run"], { cwd: repo, env });
      expect(result).toMatchObject({ code: 0, stdout: "the-answer-to-everything-CLOUD-42\n" });
      expect(result.stderr).toMatch(/nothing was created/);
      expect(branches(repo)).toEqual(["main"]);
      expect(head(repo)).toBe("main");
    });

    it("--no-switch creates the branch and stays on the current one", async () => {
      const result = await branchCli(["CLOUD-42", "--title", "Later", "--no-switch"], { cwd: repo });
      expect(result).toMatchObject({ code: 0, stdout: "later-CLOUD-42\n" });
      expect(branches(repo)).toEqual(["later-CLOUD-42", "main"]);
      expect(head(repo)).toBe("main");
    });

    it("carries a dirty working tree over to the new branch, unchanged", async () => {
      writeFileSync(path.join(repo, "tracked.txt"), "committed\n");
      writeFileSync(path.join(repo, "staged.txt"), "committed\n");
      git(repo, "add", ".");
      git(repo, "commit", "-q", "-m", "files");
      writeFileSync(path.join(repo, "tracked.txt"), "modified, not staged\n");
      writeFileSync(path.join(repo, "staged.txt"), "modified and staged\n");
      git(repo, "add", "staged.txt");
      writeFileSync(path.join(repo, "untracked.txt"), "new file\n");
      const statusBefore = git(repo, "status", "--porcelain");

      const result = await branchCli(["CLOUD-42", "--title", "Carry on"], { cwd: repo });
      expect(result.code).toBe(0);
      expect(head(repo)).toBe("carry-on-CLOUD-42");
      expect(git(repo, "status", "--porcelain")).toBe(statusBefore);
      expect(readFileSync(path.join(repo, "tracked.txt"), "utf8")).toBe("modified, not staged\n");
      expect(readFileSync(path.join(repo, "staged.txt"), "utf8")).toBe("modified and staged\n");
      expect(readFileSync(path.join(repo, "untracked.txt"), "utf8")).toBe("new file\n");
      expect(git(repo, "stash", "list")).toBe("");
    });

    it("refuses to switch when uncommitted changes would clash with --base, losing nothing", async () => {
      writeFileSync(path.join(repo, "f.txt"), "main\n");
      git(repo, "add", ".");
      git(repo, "commit", "-q", "-m", "f on main");
      git(repo, "switch", "-q", "-c", "other");
      writeFileSync(path.join(repo, "f.txt"), "other\n");
      git(repo, "commit", "-q", "-am", "f on other");
      git(repo, "switch", "-q", "main");
      writeFileSync(path.join(repo, "f.txt"), "my work\n");

      const result = await branchCli(["CLOUD-42", "--title", "Clash", "--base", "other"], { cwd: repo });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: cannot switch to a new branch at other: it would overwrite uncommitted changes to f\.txt\. .*--no-switch/);
      expect(readFileSync(path.join(repo, "f.txt"), "utf8")).toBe("my work\n");
      expect(head(repo)).toBe("main");
      expect(branches(repo)).toEqual(["main", "other"]);
    });

    it("needs a git working tree", async () => {
      const result = await branchCli(["CLOUD-42", "--title", "x"], { cwd: tempDir() });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: this is not inside a git working tree\./);
    });

    it("checks git before asking Jira", async () => {
      const env = await withJira(fakeIssue("CLOUD-42", "x"));
      const result = await branchCli(["CLOUD-42", "--base", "nope"], { cwd: repo, env });
      expect(result.code).toBe(2);
      expect(jira.requests).toEqual([]);
    });
  });

  describe("cloud branch without a key", () => {
    it("on a terminal, offers the user's open issues, most recently updated first", async () => {
      const repo = tempRepo();
      const env = await withJira(
        fakeIssue("CLOUD-1", "Older work", { assignee: "Alice Example", updated: "2026-01-01T10:00:00.000+0000" }),
        fakeIssue("CLOUD-2", "Newest work", { assignee: "Alice Example", updated: "2026-03-01T10:00:00.000+0000", type: "Bug" }),
        fakeIssue("CLOUD-3", "Done work", { assignee: "Alice Example", category: "done", status: "Done" }),
        fakeIssue("CLOUD-4", "Someone else's", { assignee: "Bob" }),
      );
      const prompter = scriptedPrompter([{ select: 1 }]);
      const result = await branchCli([], { cwd: repo, env, tty: true, prompter });
      expect(prompter.asked).toEqual(["Branch for which issue?"]);
      expect(result).toMatchObject({ code: 0, stdout: "older-work-CLOUD-1\n" });
      expect(head(repo)).toBe("older-work-CLOUD-1");
      expect(jira.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /rest/api/2/serverInfo", cloud ? "POST /rest/api/3/search/jql" : "POST /rest/api/2/search"]);
    });

    it("the pick list shows Jira's summaries and types with their controls made visible", async () => {
      const env = await withJira(fakeIssue("CLOUD-7", "Fix \u001b]52;c;eA==\u0007 it", { assignee: "Alice Example", type: "Bug\u001b[2J" }));
      const prompter = scriptedPrompter([{ select: 0 }]);
      const result = await branchCli(["--dry-run"], { cwd: tempRepo(), env, tty: true, prompter });
      expect(prompter.offered).toEqual([["CLOUD-7  Fix ^[]52;c;eA==^G it (Bug^[[2J)"]]);
      expect(result.code).toBe(0);
    });

    it("on a terminal, says so when no open issue is assigned to the user", async () => {
      const env = await withJira(fakeIssue("CLOUD-4", "Someone else's", { assignee: "Bob" }));
      const prompter = scriptedPrompter([]);
      const result = await branchCli([], { cwd: tempRepo(), env, tty: true, prompter });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/no open Jira issues are assigned to you/);
    });

    it("a cancelled pick list is exit 130 and creates nothing", async () => {
      const repo = tempRepo();
      const env = await withJira(fakeIssue("CLOUD-1", "Mine", { assignee: "Alice Example" }));
      const result = await branchCli([], { cwd: repo, env, tty: true, prompter: scriptedPrompter([{ cancel: true }]) });
      expect(result.code).toBe(130);
      expect(branches(repo)).toEqual(["main"]);
    });

    it("without a terminal, is exit 2 and asks nothing", async () => {
      const env = await withJira();
      const result = await branchCli([], { cwd: tempRepo(), env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: the issue key is missing, and there is no terminal to pick one on\./);
      expect(jira.requests).toEqual([]);
    });
  });

  describe("cloud branch --title", () => {
    it("needs no Jira credentials and contacts no Jira", async () => {
      const repo = tempRepo();
      jira = await start();
      // JIRA_HOST points at the server, but no credentials: the server must see nothing.
      const result = await branchCli(["CLOUD-42", "--title", "The answer to everything"], { cwd: repo, env: baseEnv({ JIRA_HOST: jira.url }) });
      expect(result).toMatchObject({ code: 0, stdout: "the-answer-to-everything-CLOUD-42\n" });
      expect(jira.requests).toEqual([]);
    });

    it("without a key is exit 2", async () => {
      const result = await branchCli(["--title", "x"], { cwd: tempRepo() });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: --title needs an issue key\./);
    });

    it("refuses an empty --title", async () => {
      const result = await branchCli(["CLOUD-42", "--title", "  "], { cwd: tempRepo() });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: --title is empty\./);
    });
  });
});
