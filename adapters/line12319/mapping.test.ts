import { getSchema, validate, validateTolerant } from "../../contracts";
import type { Ticket12319 } from "../../contracts/types";
import { fakeHub } from "../../kit/conformance";
import { HubError } from "../../kit/errors";
import { CATEGORY_PATHS, SAMPLE_TICKETS, SCHEMA, dispatchable, toCaseDraft } from "./mapping";
import { line12319 } from "./spec";

const intake = line12319.routes.find((r) => r.kind === "ticket")!;
const at = "2024-06-11T09:12:40+08:00";
const asCase = (t: Ticket12319) => ({ ...toCaseDraft(t), id: "T1", status: "RECEIVED", coUnits: [], createdAt: at, updatedAt: at });

/** What the gateway does before handle: tolerant validation. */
function tolerant(body: unknown) {
  const v = validateTolerant<Ticket12319>(SCHEMA.ticket, body);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v;
}

async function refusal(body: Record<string, unknown>): Promise<string[]> {
  try {
    await intake.handle(tolerant(body).value, {}, fakeHub());
  } catch (e) {
    expect(e).toBeInstanceOf(HubError);
    return ((e as HubError).data as { errors: { pointer: string }[] }).errors.map((x) => x.pointer);
  }
  throw new Error("expected a refusal");
}

describe("12319 ticket → case draft", () => {
  it("maps every field of the full example", () => {
    const t = (getSchema(SCHEMA.ticket).examples as Ticket12319[])[0];
    expect(toCaseDraft(t)).toEqual({
      origin: { system: "line12319", externalId: "JS12319-20240611-0031", channel: "热线电话" },
      appealType: "求助",
      category: { path: ["市政设施", "窨井盖"], code: null },
      title: "延陵中路非机动车道窨井盖破损",
      content: t.problemDesc,
      location: {
        address: "常州市钟楼区延陵中路与南大街路口西约50米非机动车道",
        city: "常州市",
        district: "钟楼区",
        street: "南大街街道",
        community: "(示例)南大街社区",
        gridCode: "32040400100302",
        lng: 119.9552,
        lat: 31.7786,
      },
      reporter: { name: "李先生", phone: "138****5521", confidential: false },
      urgency: "较急",
      receivedAt: at,
      signDeadline: "2024-06-11T03:12:40.000Z",
      handleDeadline: "2024-06-13T01:12:40.000Z",
    });
    expect(validate("tongguan:canonical/case", asCase(t)).ok).toBe(true);
  });

  it("fills what a sparse ticket leaves out: title, address, appeal type, urgency, caller, deadlines", () => {
    const d = toCaseDraft({ ticketNo: "X12319-1", acceptTime: at, problemDesc: "井盖丢了。请尽快处理", streetName: "湖塘镇" });
    expect(d).toMatchObject({ title: "井盖丢了", appealType: "投诉", urgency: "一般", category: { path: ["其他"] }, location: { address: "湖塘镇", street: "湖塘镇" } });
    expect(d.reporter).toEqual({ confidential: false });
    expect(d).toMatchObject({ signDeadline: null, handleDeadline: null });
    expect(toCaseDraft({ ticketNo: "X12319-2", acceptTime: at, subject: "井盖缺失", gridCode: "32040400100302" })).toMatchObject({ content: "井盖缺失", location: { address: "网格 32040400100302" } });
    expect(toCaseDraft({ ticketNo: "X12319-3", acceptTime: at, subject: "井盖缺失", lng: 119.9, lat: 31.7 }).location).toEqual({ address: "坐标 119.9,31.7", lng: 119.9, lat: 31.7 });
    expect(toCaseDraft({ ticketNo: "X12319-4", acceptTime: at, subject: "s", areaCode: "320404", urgentLevel: "特急" })).toMatchObject({ urgency: "紧急", location: { districtCode: "320404" } });
  });

  it("tolerant: empty strings are unknown and unknown fields ignored, both named", async () => {
    const v = tolerant({ ticketNo: "X12319-5", acceptTime: at, problemDesc: "路灯不亮", eventAddress: "某路", callerPhone: "", subject: "", hotlineVersion: "3.2" });
    expect(v.ignored.map((e) => e.pointer).sort()).toEqual(["/callerPhone", "/hotlineVersion", "/subject"]);
    const hub = fakeHub();
    await expect(intake.handle(v.value, {}, hub)).resolves.toMatchObject({ status: 202 });
    expect(hub.calls[0].params.draft).toMatchObject({ title: "路灯不亮", reporter: { confidential: false } });
    expect(hub.calls[0].params.draft.reporter).not.toHaveProperty("phone");
  });

  it("refuses a ticket without text or location, naming what is missing", async () => {
    expect(await refusal({ ticketNo: "X12319-6", acceptTime: at, eventAddress: "某路" })).toEqual(["/problemDesc"]);
    expect(await refusal({ ticketNo: "X12319-7", acceptTime: at, problemDesc: "井盖", eventAddress: "" })).toEqual(["/eventAddress"]);
    expect(await refusal({ ticketNo: "X12319-8", acceptTime: at, subject: "", problemDesc: "" })).toEqual(["/problemDesc", "/eventAddress"]);
  });

  it("the contract refuses what is wrong: no number or time, a lone longitude, a foreign code word", () => {
    const pointers = (b: unknown) => {
      const v = validateTolerant(SCHEMA.ticket, b);
      return v.ok ? [] : v.errors.map((e) => `${e.pointer} ${e.messageEn}`);
    };
    expect(pointers({ problemDesc: "x" }).join(" ")).toMatch(/ticketNo/);
    expect(pointers({ problemDesc: "x" }).join(" ")).toMatch(/acceptTime/);
    expect(pointers({ ticketNo: "X12319-9", acceptTime: at, lng: 119.9 }).join(" ")).toMatch(/lat/);
    expect(pointers({ ticketNo: "X12319-9", acceptTime: at, urgentLevel: "较急" })[0]).toMatch(/^\/urgentLevel/);
  });
});

describe("samples", () => {
  it("every sample, dispatched, is a valid ticket and a valid case, its category among CATEGORY_PATHS", () => {
    const now = new Date("2024-06-11T01:00:00Z");
    SAMPLE_TICKETS.forEach((s, i) => {
      const t = dispatchable(s, i, now);
      const v = validate(SCHEMA.ticket, t);
      expect(v.ok ? [] : v.errors).toEqual([]);
      expect(t.ticketNo).toBe(`SIM12319-20240611-000${i}`);
      expect(validate("tongguan:canonical/case", asCase(t)).ok).toBe(true);
      expect(CATEGORY_PATHS).toContainEqual(s.problemType);
    });
  });
});
