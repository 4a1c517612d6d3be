/**
 * The documentation holds together: every relative link in the repository's Markdown resolves (file
 * and heading anchor), the root README stays a front page (≤ 12 KB, the CI test line and the demo line
 * first), and its folder map names every folder under src/. Each check is also run on a planted miss.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { anchors, brokenLinks, markdownFiles, slug, srcFolders, unmappedFolders } from "./markdown.js";

const root = join(import.meta.dirname, "../../..");
const readme = readFileSync(join(root, "README.md"), "utf8");

describe("Markdown links", () => {
  const files = markdownFiles(root);

  it("finds the Markdown files (root README, docs/, READMEs beside the code)", () => {
    expect(files).toContain("README.md");
    expect(files.filter((f) => f.startsWith("docs/")).length).toBeGreaterThan(3);
    expect(files).toContain("src/card/README.md");
  });

  it("every relative link in every Markdown file resolves", () => {
    const problems = files.flatMap((f) => brokenLinks(root, f, readFileSync(join(root, f), "utf8")));
    expect(problems).toEqual([]);
  });

  it("fires on a planted missing file and a planted missing anchor", () => {
    const planted = "See [gone](docs/no-such-page.md), [bad anchor](docs/kioskctl.md#no-such-heading) and [ok](docs/kioskctl.md).";
    expect(brokenLinks(root, "README.md", planted)).toEqual([
      { file: "README.md", link: "docs/no-such-page.md", problem: "missing-file" },
      { file: "README.md", link: "docs/kioskctl.md#no-such-heading", problem: "missing-anchor" },
    ]);
  });

  it("ignores links inside code and absolute URLs", () => {
    expect(brokenLinks(root, "README.md", "`[x](nope.md)`\n```\n[y](nope.md)\n```\n[z](https://example.org/)")).toEqual([]);
  });

  it("makes GitHub's heading anchors", () => {
    expect(slug("kioskctl readers / read-card (JSON format, exit codes)")).toBe("kioskctl-readers--read-card-json-format-exit-codes");
    expect(slug("`kioskctl trust`")).toBe("kioskctl-trust");
    expect([...anchors("# A\n## A\n```\n# not a heading\n```\n")]).toEqual(["a", "a-1"]);
  });
});

describe("root README front page", () => {
  it("is at most 12 KB", () => {
    expect(Buffer.byteLength(readme, "utf8")).toBeLessThanOrEqual(12 * 1024);
  });

  it("starts with the demo line and the CI test line", () => {
    const demo = readme.indexOf("<!-- demo-line -->\n```sh\nscripts/setup.sh && npm run demo\n```");
    const test = readme.indexOf("<!-- test-line -->\n```sh\nscripts/setup.sh --test && npm test\n```");
    expect(demo).toBeGreaterThan(0);
    expect(test).toBeGreaterThan(demo);
    expect(readme.slice(0, demo)).not.toContain("\n## ");
  });

  it("its folder map names every folder under src/", () => {
    const folders = srcFolders(root);
    expect(folders).toContain("card");
    expect(unmappedFolders(readme, folders)).toEqual([]);
  });

  it("the folder-map check fires on a planted folder the map does not name", () => {
    expect(unmappedFolders(readme, [...srcFolders(root), "planted-folder"])).toEqual(["planted-folder"]);
  });
});
