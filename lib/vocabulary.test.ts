import { ADAPTERS } from "../adapters";
import { getSchema, labels } from "../contracts";
import { vocabulary } from "./vocabulary";

const CJK = /[\u4e00-\u9fff]/;

describe("vocabulary() for the console", () => {
  const v = vocabulary();

  it("labels every case status, in the schema's order, with the contract's label", () => {
    const order = (getSchema("tongguan:canonical/common").$defs as Record<string, { enum: string[] }>).CaseStatus.enum;
    expect(v.statuses.map((s) => s.value)).toEqual(order);
    for (const s of v.statuses) expect(s.label).toBe(labels("CaseStatus")[s.value]);
    expect(v.statuses.find((s) => s.value === "TRIAGE")!.label).toBe("待人工分拨");
  });

  it("labels the outcome and satisfaction codes as numbers", () => {
    expect(v.outcomes).toEqual([0, 1, 2, 3].map((n) => ({ value: n, label: labels("Outcome")[String(n)] })));
    expect(v.satisfaction.map((s) => s.value)).toEqual([0, 1, 2, 3]);
    expect(v.satisfaction[0].label).toBe("不满意");
  });

  it("labels every timeline entry type in Chinese", () => {
    const types = (getSchema("tongguan:canonical/case-event").properties as Record<string, { enum: string[] }>).type.enum;
    expect(v.eventTypes.map((e) => e.value)).toEqual(types);
    for (const e of v.eventTypes) expect(e.label).toMatch(CJK);
  });

  it("lists the agent actions each status allows, from the lifecycle", () => {
    expect(Object.keys(v.actions)).toEqual(v.statuses.map((s) => s.value));
    expect(v.actions.TRIAGE.map((a) => a.action)).toEqual(["assign", "returnCase"]);
    expect(v.actions.TRIAGE[0].label).toBe("人工派单");
    expect(v.actions.DISPATCHED.map((a) => a.action)).toEqual(["reassign", "returnCase"]);
    expect(v.actions.IN_PROGRESS.map((a) => a.action)).toEqual(["reassign", "returnCase"]);
    for (const s of ["RECEIVED", "REPLIED", "ARCHIVED", "RETURNED"] as const) expect(v.actions[s]).toEqual([]);
  });

  it("names every connected system with its title", () => {
    expect(v.systems).toEqual(ADAPTERS.map((a) => ({ system: a.system, title: a.title })));
    expect(v.systems.map((s) => s.system)).toContain("hotline12345");
  });
});
