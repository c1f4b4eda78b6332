import { brokerOptions } from "../moleculer.config";
import { loadConfig } from "./config";

describe("log lines", () => {
  it("mask phones and ID numbers in text, objects and errors", () => {
    const opts = brokerOptions(loadConfig({} as NodeJS.ProcessEnv));
    const logger = opts.logger as unknown as { options: { formatter: (type: string, args: unknown[], b: { nodeID: string; mod: string }) => unknown[] } };
    const out = logger.options.formatter("info", ["来电 13912342716", { caller: { phone: "13800001111", id: "32040219900101123X" } }, new Error("bad 13700002222")], { nodeID: "n1", mod: "cases" });
    const text = out.join(" ");
    expect(text).toContain("139****2716");
    expect(text).toContain("138****1111");
    expect(text).toContain("320402********123X");
    expect(text).toContain("137****2222");
    expect(text).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
    expect(out[0]).toMatch(/INFO\s+n1\/CASES:$/);
  });
});
