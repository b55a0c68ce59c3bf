import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { tempDir } from "./test-support/process";
import { sourceHash } from "./source-hash";

function tree(): string {
  const root = tempDir("hash");
  for (const [file, text] of [
    ["package.json", "{}"],
    ["services/appservice/src/main.ts", "run()"],
    ["packages/widgets/src/index.ts", "export {}"],
    ["services/appservice/node_modules/x/index.js", "1"],
    ["services/appservice/dist/main.js", "compiled"],
  ] as const) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe("sourceHash (the appservice image tag)", () => {
  it("is stable for the same sources", () => {
    expect(sourceHash(tree())).toBe(sourceHash(tree()));
    expect(sourceHash(tree())).toMatch(/^[0-9a-f]{12}$/);
  });

  it.each([
    ["a source file changes", "services/appservice/src/main.ts", "run(); // changed"],
    ["a workspace package changes", "packages/widgets/src/index.ts", "export const x = 1;"],
    ["a file is added", "services/appservice/src/new.ts", "new"],
  ])("changes when %s", (_label, file, text) => {
    const root = tree();
    const before = sourceHash(root);
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
    expect(sourceHash(root)).not.toBe(before);
  });

  it.each([
    ["node_modules", "services/appservice/node_modules/x/index.js"],
    ["build output", "services/appservice/dist/main.js"],
  ])("ignores %s", (_label, file) => {
    const root = tree();
    const before = sourceHash(root);
    writeFileSync(path.join(root, file), "different");
    expect(sourceHash(root)).toBe(before);
  });
});
