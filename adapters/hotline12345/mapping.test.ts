import { allSchemas, validate, type FieldError } from "../../contracts";
import { seededRandom } from "../../lib/random";
import type { WorkOrder12345 } from "../../contracts/types";
import { fromSample, generateOrder, toCaseDraft, toCst, toExtension, toOverdue, toReply, toReturn, toSign, type WorkOrderSample } from "./mapping";
import { loadSamples } from "./simulator";

const WORK_ORDER = "tongguan:hotline12345/work-order";

const seeded = seededRandom;

function asCase(order: WorkOrder12345) {
  const now = "2024-06-11T09:00:00+08:00";
  return { ...toCaseDraft(order), id: "T1", status: "RECEIVED", coUnits: [], createdAt: now, updatedAt: now };
}

function expectValid(id: string, data: unknown) {
  const r = validate(id, data);
  expect(r.ok ? [] : r.errors).toEqual([]);
}

function errorsOf(data: unknown): FieldError[] {
  const r = validate(WORK_ORDER, data);
  if (r.ok) throw new Error("expected validation to fail");
  return r.errors;
}

const samples = loadSamples();

describe("the contracts", () => {
  const own = allSchemas().filter((s) => s.id.startsWith("tongguan:hotline12345/"));

  it("has all eight messages", () => {
    expect(own.map((s) => s.id).sort()).toEqual(["callback", "extension", "overdue", "reply", "return", "sign", "urge", "work-order"].map((n) => `tongguan:hotline12345/${n}`));
  });

  it.each(own.map((s) => [s.id, s] as const))("%s: its examples satisfy it", (id, s) => {
    const examples = s.schema.examples as unknown[];
    expect(examples.length).toBeGreaterThan(0);
    for (const ex of examples) expectValid(id, ex);
  });
});

describe("fromSample → work order → case draft", () => {
  it("has the 8 samples", () => expect(samples).toHaveLength(8));

  it.each(samples.map((s) => [s.工单编号, s] as const))("%s maps, validates and becomes a valid case", (_no, sample) => {
    const order = fromSample(sample);
    expectValid(WORK_ORDER, order);
    expect(order.orderNo).toBe(sample.工单编号);
    expect(order.region!.districtCode).toBe(sample.单元网格编码!.slice(0, 6));
    expect(order.gridCode).toBe(sample.单元网格编码);
    expect(order.receivedAt).toBe(sample.受理时间);
    expectValid("tongguan:canonical/case", asCase(order));
  });

  it("maps every field of the first sample", () => {
    const order = fromSample(samples[0]);
    expect(order).toEqual({
      orderNo: "CZ2406110000093",
      receivedAt: "2024-06-11T08:42:10+08:00",
      channel: "电话",
      appealType: "投诉",
      category: ["城乡建设", "市容管理", "占道经营"],
      title: "南大街商业街早餐摊占用人行道",
      content: samples[0].诉求内容,
      address: "常州市钟楼区南大街与延陵中路交叉口东侧人行道",
      region: { city: "常州市", district: "钟楼区", districtCode: "320404", street: "南大街街道", community: "(示例)南大街社区" },
      gridCode: "32040400100301",
      location: { lng: 119.956, lat: 31.779 },
      caller: { name: "王女士", phone: "139****2716", confidential: false },
      urgency: "一般",
      signDeadline: "2024-06-12T08:42:10+08:00",
      handleDeadline: "2024-06-25T17:30:00+08:00",
    });
    expect(toCaseDraft(order)).toEqual({
      origin: { system: "hotline12345", externalId: "CZ2406110000093", channel: "电话" },
      appealType: "投诉",
      category: { path: ["城乡建设", "市容管理", "占道经营"], code: null },
      title: order.title,
      content: order.content,
      location: {
        address: order.address,
        city: "常州市",
        district: "钟楼区",
        districtCode: "320404",
        street: "南大街街道",
        community: "(示例)南大街社区",
        gridCode: "32040400100301",
        lng: 119.956,
        lat: 31.779,
      },
      reporter: { name: "王女士", phone: "139****2716", confidential: false },
      urgency: "一般",
      receivedAt: "2024-06-11T08:42:10+08:00",
      signDeadline: "2024-06-12T08:42:10+08:00",
      handleDeadline: "2024-06-25T17:30:00+08:00",
    });
  });

  it("omits the empty phone of a confidential caller", () => {
    const sample = samples.find((s) => s.是否保密)!;
    const order = fromSample(sample);
    expect(order.caller!).toEqual({ name: "匿名", confidential: true });
    expect(toCaseDraft(order).reporter).toEqual({ name: "匿名", confidential: true });
  });

  it("refuses a sample with neither grid code nor district code", () => {
    const { 单元网格编码: _g, ...rest } = samples[0];
    expect(() => fromSample(rest as WorkOrderSample)).toThrow(/区划代码/);
  });

  it("a case draft without grid code and coordinates leaves them out", () => {
    const { gridCode: _g, location: _l, ...order } = fromSample(samples[0]);
    const draft = toCaseDraft(order);
    expect(draft.location).not.toHaveProperty("gridCode");
    expect(draft.location).not.toHaveProperty("lng");
    expectValid("tongguan:canonical/case", asCase(order));
  });
});

describe("time shifting", () => {
  const now = new Date("2030-03-05T01:02:03.000Z");

  it.each(samples.map((s) => [s.工单编号, s] as const))("%s: receivedAt becomes now, deadlines keep their offsets", (_no, sample) => {
    const order = fromSample(sample, now);
    expectValid(WORK_ORDER, order);
    expect(Date.parse(order.receivedAt)).toBe(now.getTime());
    expect(order.receivedAt).toBe("2030-03-05T09:02:03+08:00");
    const base = Date.parse(sample.受理时间);
    expect(Date.parse(order.signDeadline!) - now.getTime()).toBe(Date.parse(sample.签收时限) - base);
    expect(Date.parse(order.handleDeadline!) - now.getTime()).toBe(Date.parse(sample.办理时限) - base);
    expect(order.orderNo).toBe(sample.工单编号);
  });

  it("toCst writes +08:00 and keeps milliseconds only when there are some", () => {
    expect(toCst(new Date("2024-06-10T16:00:00Z"))).toBe("2024-06-11T00:00:00+08:00");
    expect(toCst(new Date("2024-06-10T16:00:00.250Z"))).toBe("2024-06-11T00:00:00.250+08:00");
  });
});

describe("invalid work orders answer field errors with JSON pointers", () => {
  const good = () => fromSample(samples[0]) as unknown as Record<string, any>;

  it("missing orderNo", () => {
    const o = good();
    delete o.orderNo;
    expect(errorsOf(o)).toEqual([{ pointer: "/orderNo", message: "为必填项", messageEn: "is required" }]);
  });

  it("bad appealType", () => {
    expect(errorsOf({ ...good(), appealType: "表扬" }).map((e) => e.pointer)).toEqual(["/appealType"]);
  });

  it("bad districtCode", () => {
    const o = good();
    o.region!.districtCode = "3204";
    expect(errorsOf(o).map((e) => e.pointer)).toEqual(["/region/districtCode"]);
  });

  it("takes an order without districtCode (routing derives it from the grid code or the names)", () => {
    const o = good();
    delete o.region!.districtCode;
    expect(validate(WORK_ORDER, o).ok).toBe(true);
  });

  it("several at once: lower-case orderNo, empty category, unknown field, bad date, bad urgency", () => {
    const o = { ...good(), orderNo: "cz-1", category: [], handler: "x", signDeadline: "明天", urgency: "特急" };
    expect(
      errorsOf(o)
        .map((e) => e.pointer)
        .sort(),
    ).toEqual(["/category", "/handler", "/orderNo", "/signDeadline", "/urgency"]);
  });

  it("takes a caller without a confidential flag (not confidential), refuses coordinates outside China", () => {
    const o = good();
    delete o.caller!.confidential;
    o.location = { lng: 10, lat: 31 };
    expect(errorsOf(o).map((e) => e.pointer)).toEqual(["/location/lng"]);
    delete o.location;
    expect(toCaseDraft(o as WorkOrder12345).reporter.confidential).toBe(false);
  });

  it("maps a sparse order as real platforms send it: no title, category, caller, urgency or deadlines", () => {
    const d = toCaseDraft({
      orderNo: "CZ2612010000001",
      receivedAt: "2026-12-01T09:00:00+08:00",
      appealType: "投诉",
      content: "小区门口夜间施工噪音扰民。已多次反映",
      region: { district: "钟楼区", street: "南大街街道" },
    });
    expect(d.title).toBe("小区门口夜间施工噪音扰民");
    expect(d.category.path).toEqual(["其他"]);
    expect(d.reporter).toEqual({ confidential: false });
    expect(d.urgency).toBe("一般");
    expect(d.signDeadline).toBeNull();
    expect(d.location).toEqual({ address: "钟楼区南大街街道", district: "钟楼区", street: "南大街街道" });
    expect(d.origin).toEqual({ system: "hotline12345", externalId: "CZ2612010000001" });
  });
});

describe("generateOrder", () => {
  const now = new Date("2024-06-11T02:00:00Z"); // 10:00 in 常州
  const rand = seeded(12345);
  const orders = Array.from({ length: 300 }, (_, i) => generateOrder(i + 1, now, rand));

  it("produces valid orders and valid cases", () => {
    for (const o of orders) {
      expectValid(WORK_ORDER, o);
      expectValid("tongguan:canonical/case", asCase(o));
      expect(o.gridCode!.slice(0, 6)).toBe(o.region!.districtCode);
      expect(Date.parse(o.signDeadline!)).toBeGreaterThan(Date.parse(o.receivedAt));
      expect(Date.parse(o.handleDeadline!)).toBeGreaterThan(Date.parse(o.receivedAt));
      expect(Date.parse(o.receivedAt)).toBeLessThanOrEqual(now.getTime());
    }
  });

  it("numbers orders CZ|SQ + yyMMdd + 7-digit seq, all distinct", () => {
    expect(orders[0].orderNo).toMatch(/^(CZ|SQ)2406110000001$/);
    expect(new Set(orders.map((o) => o.orderNo)).size).toBe(orders.length);
  });

  it("varies topics, areas, channels and urgencies; some callers are confidential without phone", () => {
    expect(new Set(orders.map((o) => o.category!.join("/"))).size).toBeGreaterThanOrEqual(15);
    expect(new Set(orders.map((o) => o.region!.districtCode)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(orders.map((o) => o.channel)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(orders.map((o) => o.urgency))).toEqual(new Set(["一般", "较急", "紧急"]));
    const confidential = orders.filter((o) => o.caller!.confidential);
    expect(confidential.length).toBeGreaterThan(0);
    for (const o of confidential) expect(o.caller!.phone).toBeUndefined();
    for (const o of orders.filter((x) => !x.caller!.confidential)) expect(o.caller!.phone).toMatch(/^1\d{2}0000\d{4}$/);
  });

  it("is deterministic for a given random source", () => {
    expect(generateOrder(7, now, seeded(1))).toEqual(generateOrder(7, now, seeded(1)));
  });
});

describe("outbound builders", () => {
  const at = "2024-06-11T09:20:05+08:00";

  it("sign", () => {
    const r = toSign({ externalId: "CZ2406110000093", unitId: "CZ-ZL-CGJ", unitName: "钟楼区城市管理局", signedAt: at });
    expect(r).toEqual({ method: "POST", path: "/work-orders/CZ2406110000093/sign", body: { unitName: "钟楼区城市管理局", signedAt: at } });
    expectValid("tongguan:hotline12345/sign", r.body);
  });

  it("return", () => {
    const r = toReturn({ externalId: "CZ2406110000093", reason: "不属于本市职责范围", returnedAt: at });
    expect(r.path).toBe("/work-orders/CZ2406110000093/return");
    expect(r.body).toEqual({ reason: "不属于本市职责范围", returnedAt: at });
    expectValid("tongguan:hotline12345/return", r.body);
  });

  it("extension", () => {
    const r = toExtension({ externalId: "CZ2406140000066", until: "2024-06-28T17:30:00+08:00", reason: "配件到货需7天", unitName: "武进区住房和城乡建设局", requestedAt: at });
    expect(r.path).toBe("/work-orders/CZ2406140000066/extension");
    expectValid("tongguan:hotline12345/extension", r.body);
  });

  it("reply", () => {
    const r = toReply({ externalId: "CZ2406110000093", outcome: 0, text: "已清理占道摊点并安排每日巡查。", unitName: "钟楼区城市管理局", repliedAt: at });
    expect(r).toEqual({
      method: "POST",
      path: "/work-orders/CZ2406110000093/reply",
      body: { outcome: 0, text: "已清理占道摊点并安排每日巡查。", unitName: "钟楼区城市管理局", repliedAt: at },
    });
    expectValid("tongguan:hotline12345/reply", r.body);
  });

  it("overdue 时限通报: the deadline named in 12345's words, the case id left out", () => {
    const r = toOverdue({
      externalId: "CZ2406110000093",
      caseId: "TG1",
      level: "督办",
      deadlineKind: "handle",
      deadline: "2024-06-25T17:30:00+08:00",
      overdue: true,
      unitName: "钟楼区南大街街道办事处",
      supervisorName: "钟楼区城市管理局",
      text: "超期督办",
      notifiedAt: at,
    });
    expect(r).toEqual({
      method: "POST",
      path: "/work-orders/CZ2406110000093/overdue",
      body: {
        level: "督办",
        limitType: "办理时限",
        deadline: "2024-06-25T17:30:00+08:00",
        overdue: true,
        unitName: "钟楼区南大街街道办事处",
        supervisorName: "钟楼区城市管理局",
        text: "超期督办",
        notifiedAt: at,
      },
    });
    expectValid("tongguan:hotline12345/overdue", r.body);
    const sign = toOverdue({ externalId: "CZ1", caseId: "TG1", level: "催办", deadlineKind: "sign", deadline: at, overdue: true, unitName: "某单位", text: "请签收", notifiedAt: at });
    expect(sign.body).toMatchObject({ limitType: "签收时限" });
    expect(sign.body).not.toHaveProperty("supervisorName");
  });

  it("URL-encodes the order number and drops fields the platform does not take", () => {
    const r = toSign({ externalId: "A/B 1", unitId: "U1", unitName: "某单位", signedAt: at });
    expect(r.path).toBe("/work-orders/A%2FB%201/sign");
    expect(r.body).not.toHaveProperty("unitId");
    expect(r.body).not.toHaveProperty("externalId");
  });

  it("a reply the hub got wrong is caught by the contract", () => {
    const r = toReply({ externalId: "X1", outcome: 5 as never, text: "", unitName: "某单位", repliedAt: "today" });
    const v = validate("tongguan:hotline12345/reply", r.body);
    expect(v.ok ? [] : v.errors.map((e) => e.pointer).sort()).toEqual(["/outcome", "/repliedAt", "/text"]);
  });
});
