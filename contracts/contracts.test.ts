import fs from "node:fs";
import { compileAll, validate, validateTolerant, allSchemas, getSchema } from "./index";
import { generate, GENERATED } from "./generate";

describe("contracts", () => {
  it("every schema compiles under ajv strict mode", () => {
    expect(compileAll()).toBe(allSchemas().length);
    expect(allSchemas().length).toBeGreaterThan(15);
  });

  it("the generated TypeScript types match the schemas (run `npm run gen` after editing a schema)", async () => {
    expect(fs.readFileSync(GENERATED, "utf8")).toBe(await generate());
  });

  it("every example in every schema validates against it", () => {
    for (const s of allSchemas()) {
      const examples = (s.schema.examples as unknown[] | undefined) ?? [];
      for (const ex of examples) expect({ id: s.id, r: validate(s.id, ex) }).toEqual({ id: s.id, r: { ok: true, value: ex } });
    }
  });

  it("reports every field error with a pointer, in Chinese and English", () => {
    const r = validate("tongguan:canonical/assign-command", { note: 5, extra: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPointer = Object.fromEntries(r.errors.map((e) => [e.pointer, e]));
    expect(byPointer["/unitId"].message).toBe("为必填项");
    expect(byPointer["/unitId"].messageEn).toBe("is required");
    expect(byPointer["/extra"].message).toBe("不是约定的字段");
    expect(byPointer["/note"].messageEn).toMatch(/string/);
    expect(byPointer["/note"].message).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe("vocabulary labels (x-labels)", () => {
  it("labels every value of the status, outcome and satisfaction enums, once, in Chinese", () => {
    const { labels, getSchema } = require("./index") as typeof import("./index");
    const defs = getSchema("tongguan:canonical/common").$defs as Record<string, { enum: (string | number)[] }>;
    for (const d of ["CaseStatus", "Outcome", "Satisfaction"] as const) {
      const l = labels(d);
      expect(Object.keys(l).sort()).toEqual(defs[d].enum.map(String).sort());
      for (const v of Object.values(l)) expect(v).toMatch(/^[\u4e00-\u9fff（）]+$/);
    }
    expect(labels("Outcome")["3"]).toBe("不办理退单");
    expect(labels("CaseStatus").IN_PROGRESS).toBe("办理中");
  });
});

describe("validateTolerant: structure, not completeness", () => {
  const order = () => JSON.parse(JSON.stringify((getSchema("tongguan:hotline12345/work-order").examples as unknown[])[0]));
  it("passes a message that fits as it is, untouched and with nothing ignored", () => {
    const o = order();
    const r = validateTolerant("tongguan:hotline12345/work-order", o);
    expect(r.ok && r.ignored).toEqual([]);
  });
  it("takes an empty string as not given and ignores a field it does not know, naming both", () => {
    const o = { ...order(), platformVersion: "5.2", region: { ...order().region, community: "" } };
    const r = validateTolerant<Record<string, any>>("tongguan:hotline12345/work-order", o);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.platformVersion).toBeUndefined();
    expect(r.value.region.community).toBeUndefined();
    expect(r.ignored.map((e) => e.pointer).sort()).toEqual(["/platformVersion", "/region/community"]);
  });
  it("still refuses what is wrong after that", () => {
    const r = validateTolerant("tongguan:hotline12345/work-order", { ...order(), urgency: "特急", orderNo: "" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.pointer).sort()).toEqual(["/orderNo", "/urgency"]);
  });
});
