import fs from "node:fs";
import { readmePath, renderReadme, settingsTable } from "./docs";
import { ADAPTERS } from "../adapters";

describe("README generated parts", () => {
  it("are up to date with the adapter specs (run `npm run docs`)", () => {
    const text = fs.readFileSync(readmePath, "utf8");
    expect(renderReadme(text)).toBe(text);
  });

  it("list every setting every adapter declares", () => {
    const table = settingsTable();
    for (const a of ADAPTERS) for (const s of a.settings) expect(table).toContain(`\`${s.env}\``);
  });
});
