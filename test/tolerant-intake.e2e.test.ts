/**
 * Work orders as real platforms send them: empty optional fields, no district code, fields the
 * contract does not know, no category. They are accepted and routed (or triaged with the reason),
 * never refused for what is merely missing; what was ignored stays visible with the raw message.
 */
import { startProductionHub, type TestHub, http, waitFor, KEYS } from "./harness";

jest.setTimeout(60_000);

let hub: TestHub;
beforeAll(async () => {
  hub = await startProductionHub({ LOG_LEVEL: "error", SIM_CALLBACK_DELAY_MS: "600000" });
});
afterAll(async () => hub?.stop());

const post = (body: unknown) => http(`${hub.url}/api/v1/hotline12345/work-orders`, { key: KEYS.hotline12345, body });
const getCase = async (id: string) => (await http(`${hub.url}/api/v1/cases/${id}`, { key: KEYS.agent })).body;

describe("tolerant intake of 12345 work orders", () => {
  it("accepts and routes an order with an empty community and no district code", async () => {
    const r = await post({
      orderNo: "CZ2612010000101",
      receivedAt: new Date().toISOString(),
      channel: "电话",
      appealType: "投诉",
      category: ["城乡建设", "市容管理", "占道经营"],
      title: "南大街早餐摊占道",
      content: "每天早上南大街人行道上有流动摊点占道经营。",
      address: "常州市钟楼区南大街",
      region: { city: "常州市", district: "钟楼区", districtCode: "", street: "南大街街道", community: "" },
      gridCode: "32040400100301",
      caller: { name: "王女士", phone: "", confidential: false },
      urgency: "一般",
      signDeadline: "",
      handleDeadline: "",
      platformVersion: "12345-v5.2",
      extra: { anything: true },
    });
    expect(r.status).toBe(202);
    const c = await getCase(r.body.caseId);
    expect(c.status).toBe("DISPATCHED");
    expect(c.location.districtCode).toBe("320404"); // derived from the grid code
    expect(c.location.community).toBeUndefined();
    expect(c.owner.unitId).toMatch(/^CZ-ZL-/);
    // the raw message is kept whole, with what was ignored named for engineers
    const inbound = (await http(`${hub.url}/api/v1/inbound?caseId=${c.id}`, { key: KEYS.engineer })).body.items.find((i: { kind: string }) => i.kind === "work-order");
    expect(inbound.outcome).toBe("accepted");
    expect(inbound.body).toContain("platformVersion");
    const ignored = (inbound.errors as { pointer: string }[]).map((e) => e.pointer).sort();
    expect(ignored).toEqual(expect.arrayContaining(["/extra", "/platformVersion", "/region/community", "/region/districtCode", "/signDeadline"]));
  });

  it("takes an order with only its number, time, type, text and a district name — and says why it waits in triage", async () => {
    const r = await post({ orderNo: "SQ2612010000102", receivedAt: new Date().toISOString(), appealType: "求助", content: "家门口路灯坏了好几天，晚上很黑", region: { district: "宿城区" } });
    expect(r.status).toBe(202);
    const c = await getCase(r.body.caseId);
    expect(c.location.districtCode).toMatch(/^3213/);
    expect(c.title).toBe("家门口路灯坏了好几天，晚上很黑");
    expect(["TRIAGE", "DISPATCHED"]).toContain(c.status);
    if (c.status === "TRIAGE") expect(c.routing.reason.length).toBeGreaterThan(0);
  });

  it("still refuses an order the hub cannot work with, naming what is needed", async () => {
    const r = await post({ orderNo: "CZ2612010000103", receivedAt: new Date().toISOString(), appealType: "投诉", title: "", content: "" });
    expect(r.status).toBe(422);
    const pointers = (r.body.error.errors as { pointer: string; message: string }[]).map((e) => e.pointer);
    expect(pointers).toEqual(["/title", "/address"]);
    expect(r.body.error.errors[0].message).toContain("标题和诉求内容至少填写一项");
    await waitFor("the refused message is kept", async () => (await http(`${hub.url}/api/v1/inbound/${r.body.error.inboundId}`, { key: KEYS.engineer })).status === 200);
  });
});
