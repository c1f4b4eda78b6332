import { validate } from "../../contracts";
import type { GridEvent, GridFile, HandlerTask, Verification } from "../../contracts/types";
import { loadCities } from "../../domain/routing";
import { mapCategory } from "../../domain/catalogue";
import { HubError } from "../../kit/errors";
import {
  checkEvent,
  gridFileProblems,
  splitCode,
  toCaseDraft,
  toDispatch,
  toOverdueNotice,
  toRecall,
  toTaskFeedbackParams,
  toUrge,
  toVerificationParams,
  toVerificationRequest,
  type GridCity,
} from "./mapping";
import { gridCityOf, loadGridCities } from "./spec";

const cities = loadCities();
const grid = loadGridCities(cities);
const cz = grid.find((c) => c.name === "常州市")!;
const sq = grid.find((c) => c.name === "宿迁市")!;

const base: GridEvent = {
  eventId: "GE320404202612010001",
  reportedAt: "2026-12-01T09:12:00+08:00",
  reporter: { id: "JD0401017", role: "监督员" },
  kind: "部件",
  majorCode: "01",
  minorCode: "01",
  objectCode: "3204040101000001",
  gridCode: "32040400100301",
  address: "钟楼区南大街12号门前人行道",
  lng: 119.956,
  lat: 31.779,
  description: "人行道上一处上水井盖破损下沉。",
  photos: ["https://grid.example.gov.cn/photos/1.jpg"],
};
const ev = (over: Partial<GridEvent>, drop: (keyof GridEvent)[] = []): GridEvent => {
  const e = { ...base, ...over } as Record<string, unknown>;
  for (const k of drop) delete e[k];
  return e as unknown as GridEvent;
};

/** The 422 a check throws: its code, Chinese and English messages and field errors. */
function refusal(e: GridEvent, within: GridCity[] = grid): { status: number; code: string; message: string; messageEn: string; pointers: string[] } {
  try {
    checkEvent(e, within);
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    const h = err as HubError;
    const data = h.data as { message: string; messageEn: string; errors: { pointer: string }[] };
    return { status: h.code, code: h.type, message: data.message, messageEn: data.messageEn, pointers: data.errors.map((x) => x.pointer) };
  }
  throw new Error("expected a refusal");
}

describe("the cities' grid data", () => {
  it("loads for 常州 and 宿迁: 14-digit grid codes, 16-digit object codes, 40–60 小类 each, no structural problem", () => {
    expect(grid.map((c) => c.name).sort()).toEqual(["宿迁市", "常州市"]);
    for (const c of grid) {
      expect(c.grid.gridCode.segments.reduce((n, s) => n + s.length, 0)).toBe(14);
      expect(c.grid.objectCode.segments.reduce((n, s) => n + s.length, 0)).toBe(16);
      const n = c.grid.taxonomy.reduce((k, m) => k + m.minors.length, 0);
      expect(n).toBeGreaterThanOrEqual(40);
      expect(n).toBeLessThanOrEqual(60);
      expect(gridFileProblems(c.grid, c.name)).toEqual([]);
      expect(c.grid._note).toMatch(/示例数据/);
    }
  });

  it("carries the disposal limits of the city table (DOMAIN §2.3)", () => {
    const minor = (c: GridCity, kind: string, major: string, name: string) => c.grid.taxonomy.find((m) => m.kind === kind && m.name === major)!.minors.find((s) => s.name === name)!;
    expect(minor(cz, "事件", "市容环境", "私搭乱建").处置时限).toEqual([
      { action: "制止", amount: 4, unit: "工作时" },
      { action: "处罚", amount: 7, unit: "工作日" },
      { action: "拆除", amount: 20, unit: "工作日" },
    ]);
    expect(minor(cz, "事件", "市容环境", "暴露垃圾").处置时限).toEqual([{ action: "处置", amount: 4, unit: "工作时" }]);
    expect(minor(cz, "事件", "市容环境", "道路保洁").处置时限).toEqual([{ action: "处置", amount: 2, unit: "工作时" }]);
    expect(minor(cz, "事件", "市容环境", "绿地养护").处置时限).toEqual([{ action: "处置", amount: 5, unit: "工作日" }]);
    expect(minor(cz, "事件", "市容环境", "积存建筑垃圾渣土").处置时限).toContainEqual({ action: "清运渣土堆", amount: 2, unit: "工作日" });
    expect(
      cz.grid.taxonomy
        .find((m) => m.kind === "部件" && m.code === "01")!
        .minors.slice(0, 3)
        .map((s) => `${s.code}${s.name}`),
    ).toEqual(["01上水井盖", "02污水井盖", "03雨水井盖"]);
  });

  it("mappings/grid.json takes every 小类 path of the city onto its dispatch catalogue", () => {
    for (const c of cities) {
      const g = grid.find((x) => x.code === c.code)!;
      for (const m of g.grid.taxonomy)
        for (const s of m.minors) {
          const mapped = mapCategory([m.kind, m.name, s.name], c, "grid");
          expect({ path: [m.kind, m.name, s.name].join("/"), via: mapped.via }).toEqual({ path: [m.kind, m.name, s.name].join("/"), via: "mapping" });
        }
    }
  });

  it("gridFileProblems names a structure without a street segment and duplicate codes", () => {
    const bad = structuredClone(cz.grid) as GridFile;
    bad.gridCode.segments = bad.gridCode.segments.filter((s) => s.role !== "street");
    bad.taxonomy.push({ ...bad.taxonomy[0] });
    const problems = gridFileProblems(bad, "cities/x/management.json");
    expect(problems.join("\n")).toMatch(/role 为 street/);
    expect(problems.join("\n")).toMatch(/部件大类编码 01 重复/);
  });

  it("the structure is data: a 15-digit (Beijing-style) grid code splits by its own segments", () => {
    const segs = [
      { name: "区县", length: 6, role: "district" as const },
      { name: "街道", length: 3, role: "street" as const },
      { name: "社区", length: 3, role: "community" as const },
      { name: "网格", length: 3, role: "grid" as const },
    ];
    expect(splitCode("110105001002013", segs)).toEqual({
      district: { name: "区县", value: "110105" },
      street: { name: "街道", value: "001" },
      community: { name: "社区", value: "002" },
      grid: { name: "网格", value: "013" },
    });
    const beijing: GridCity = {
      code: "1101",
      name: "北京市",
      districts: { "110105": "朝阳区" },
      streets: { "110105001": "建外街道" },
      grid: { ...cz.grid, gridCode: { segments: segs }, bounds: { west: 115.4, east: 117.5, south: 39.4, north: 41.1 } },
    };
    const e = ev({ gridCode: "110105001002013", lng: 116.45, lat: 39.9, kind: "事件", majorCode: "01", minorCode: "02" }, ["objectCode"]);
    const checked = checkEvent(e, [beijing]);
    expect(checked).toMatchObject({ city: beijing, districtCode: "110105", street: "建外街道" });
    // and the 15-digit code travels on in the canonical case (the contracts take 14–20 digits)
    expect(toCaseDraft(e, checked).location.gridCode).toBe("110105001002013");
    expect(refusal({ ...e, gridCode: "11010500100201" }, [beijing]).message).toBe("网格编码 11010500100201 为 14 位，北京市的网格编码应为 15 位（区县 6 + 街道 3 + 社区 3 + 网格 3）");
  });
});

describe("checkEvent: the event against the city data", () => {
  it("accepts a sound component report and names its city, class, district and street", () => {
    const r = checkEvent(base, grid);
    expect(r.city).toBe(cz);
    expect(r.major.name).toBe("公用设施");
    expect(r.minor.name).toBe("上水井盖");
    expect(r).toMatchObject({ districtCode: "320404", district: "钟楼区", street: "南大街街道" });
  });

  it("grid code: non-digits, wrong length, a district outside the city, a street outside the district", () => {
    expect(refusal(ev({ gridCode: "3204040010030A" }))).toMatchObject({
      status: 422,
      code: "GRID_CODE_INVALID",
      message: "网格编码 3204040010030A 含非数字字符，应全部为数字",
      pointers: ["/gridCode"],
    });
    expect(refusal(ev({ gridCode: "3204040010030" }))).toMatchObject({
      code: "GRID_CODE_INVALID",
      message: "网格编码 3204040010030 为 13 位，常州市的网格编码应为 14 位（区县 6 + 街道 3 + 社区 3 + 网格 2）",
      messageEn: "grid code 3204040010030 has 13 digits; 常州市 uses 14 (district 6 + street 3 + community 3 + grid 2)",
    });
    expect(refusal(ev({ gridCode: "32049900100301" }, ["objectCode"]))).toMatchObject({ code: "GRID_CODE_INVALID", message: "网格编码 32049900100301 的区县段 320499 不是常州市的区县" });
    expect(refusal(ev({ gridCode: "11010500100301" }, ["objectCode"])).message).toBe("网格编码 11010500100301 的区县段 110105 不属于已接入的城市（常州市、宿迁市）");
    expect(refusal(ev({ gridCode: "32040499900301" }))).toMatchObject({
      code: "GRID_CODE_INVALID",
      message: "网格编码 32040499900301 的街道段 999 不属于钟楼区",
      messageEn: "the street segment 999 of grid code 32040499900301 is not a street of 钟楼区 (320404)",
      pointers: ["/gridCode"],
    });
    // 钟楼区 has a street 007 (西林), 天宁区 has none: a street belongs to its own district only
    expect(refusal(ev({ gridCode: "32040200700301", lng: 120.0, lat: 31.785 }, ["objectCode"])).message).toBe("网格编码 32040200700301 的街道段 007 不属于天宁区");
  });

  it("class: an unknown 大类 or 小类, and a code of the other kind", () => {
    expect(refusal(ev({ majorCode: "09", minorCode: "01" }, ["objectCode"]))).toMatchObject({ code: "CATEGORY_UNKNOWN", message: "大类编码 09 不是常州市的部件大类", pointers: ["/majorCode"] });
    expect(refusal(ev({ minorCode: "99" }, ["objectCode"]))).toMatchObject({ code: "CATEGORY_UNKNOWN", message: "小类编码 99 不是常州市部件大类 01「公用设施」下的小类", pointers: ["/minorCode"] });
    // 事件 05 02 is 街面秩序/占道经营: reported as a 部件 it is refused, not re-read
    expect(refusal(ev({ majorCode: "05", minorCode: "02" }, ["objectCode"]))).toMatchObject({
      code: "CATEGORY_KIND_MISMATCH",
      message: "常州市分类中 0502 是事件「街面秩序/占道经营」，与上报的类型「部件」不符",
      pointers: ["/kind"],
    });
    // 宿迁's own 扩展事件 06 is not in 常州's taxonomy
    expect(checkEvent(ev({ kind: "事件", majorCode: "06", minorCode: "01", gridCode: "32130200400205", lng: 118.3, lat: 33.97 }, ["objectCode"]), grid).minor.name).toBe("飞线充电");
    expect(refusal(ev({ kind: "事件", majorCode: "06", minorCode: "01" }, ["objectCode"])).message).toBe("大类编码 06 不是常州市的事件大类");
  });

  it("object code: components only, the city's structure and districts, its 大类/小类 equal to the given ones", () => {
    expect(refusal(ev({ objectCode: "3204040102000001" }))).toMatchObject({
      code: "OBJECT_CODE_MISMATCH",
      message: "部件标识码 3204040102000001 中的大类小类段 0102 与上报的大类小类编码 0101 不一致",
      pointers: ["/objectCode"],
    });
    expect(refusal(ev({ objectCode: "320404010100001" })).message).toBe("部件标识码 320404010100001 为 15 位，常州市的部件标识码应为 16 位（区县 6 + 大类 2 + 小类 2 + 流水号 6）");
    expect(refusal(ev({ objectCode: "3213020101000001" })).message).toBe("部件标识码 3213020101000001 的区县段 321302 不是常州市的区县");
    expect(refusal(ev({ kind: "事件", majorCode: "01", minorCode: "02" }))).toMatchObject({
      code: "OBJECT_CODE_NOT_COMPONENT",
      message: "部件标识码 3204040101000001 只用于部件，上报的类型为「事件」",
    });
  });

  it("coordinates: inside the city's bounds, or inside some city's when no code says which", () => {
    expect(refusal(ev({ lng: 118.3, lat: 33.97 }))).toMatchObject({
      code: "OUT_OF_BOUNDS",
      message: "坐标 (118.3, 33.97) 不在常州市范围内（经度 119.13–120.2，纬度 31.15–32.05）",
      pointers: ["/lng"],
    });
    const coordsOnly = ev({ kind: "事件", majorCode: "04", minorCode: "02", lng: 119.972, lat: 31.83 }, ["objectCode", "gridCode", "address"]);
    expect(checkEvent(coordsOnly, grid).city).toBe(cz);
    expect(checkEvent({ ...coordsOnly, lng: 118.3, lat: 33.97 }, grid).city).toBe(sq);
    expect(refusal({ ...coordsOnly, lng: 121.47, lat: 31.23 }).message).toBe("坐标 (121.47, 31.23) 不在已接入城市（常州市、宿迁市）的范围内");
  });

  it("several problems at once: one 422 naming each", () => {
    const r = refusal(ev({ gridCode: "32040499900301", objectCode: "3204040102000001" }));
    expect(r.pointers).toEqual(["/gridCode", "/objectCode"]);
    expect(r.message).toBe("网格编码 32040499900301 的街道段 999 不属于钟楼区；部件标识码 3204040102000001 中的大类小类段 0102 与上报的大类小类编码 0101 不一致");
  });

  it("an event whose location is merely unknown (address only) passes: the class is checked against every city", () => {
    const addressOnly = ev({ kind: "事件", majorCode: "01", minorCode: "02", address: "某小区北门外空地" }, ["objectCode", "gridCode", "lng", "lat"]);
    const r = checkEvent(addressOnly, grid);
    expect(r.city).toBeUndefined();
    expect(r.minor.name).toBe("暴露垃圾");
    expect(checkEvent({ ...addressOnly, address: "宿迁市宿城区某小区北门" }, grid).city).toBe(sq);
    expect(refusal({ ...addressOnly, majorCode: "07" }).message).toBe("大类编码 07 不是常州市的事件大类（位置未定，已核对常州市、宿迁市的分类）");
  });
});

describe("toCaseDraft", () => {
  it("maps a component report onto the canonical draft, which the case contract accepts", () => {
    const d = toCaseDraft(base, checkEvent(base, grid));
    expect(d).toEqual({
      origin: { system: "grid", externalId: "GE320404202612010001" },
      appealType: "举报",
      category: { path: ["部件", "公用设施", "上水井盖"], code: null },
      title: "上水井盖：钟楼区南大街12号门前人行道",
      content: "人行道上一处上水井盖破损下沉。",
      location: { address: "钟楼区南大街12号门前人行道", city: "常州市", districtCode: "320404", district: "钟楼区", street: "南大街街道", gridCode: "32040400100301", lng: 119.956, lat: 31.779 },
      reporter: { confidential: false },
      urgency: "一般",
      receivedAt: "2026-12-01T09:12:00+08:00",
      signDeadline: null,
      handleDeadline: null,
      cityManagement: {
        kind: "部件",
        majorCode: "01",
        minorCode: "01",
        majorName: "公用设施",
        minorName: "上水井盖",
        objectCode: "3204040101000001",
        reporterId: "JD0401017",
        reporterRole: "监督员",
        photos: ["https://grid.example.gov.cn/photos/1.jpg"],
        fixedOnSite: false,
      },
    });
    const asCase = { ...d, id: "TG1", status: "RECEIVED", coUnits: [], createdAt: d.receivedAt, updatedAt: d.receivedAt };
    expect(validate("tongguan:canonical/case", asCase)).toEqual({ ok: true, value: asCase });
    expect(d.category.path).toEqual(expect.arrayContaining(["上水井盖"]));
    expect(mapCategory(d.category.path, cities.find((c) => c.code === "3204")!, "grid").entry).toMatchObject({ code: "010503" });
  });

  it("突发事件 are 紧急; 即时处理 is carried; coordinates only give a coordinate address; a missing description is written", () => {
    const flood = ev({ kind: "事件", majorCode: "04", minorCode: "02", lng: 119.972, lat: 31.83, fixedOnSite: true }, ["objectCode", "gridCode", "address", "description", "photos"]);
    const d = toCaseDraft(flood, checkEvent(flood, grid));
    expect(d.urgency).toBe("紧急");
    expect(d.cityManagement).toMatchObject({ kind: "事件", majorName: "突发事件", minorName: "道路积水", fixedOnSite: true });
    expect(d.cityManagement!.photos).toBeUndefined();
    expect(d.location).toEqual({ address: "坐标 119.972,31.83", city: "常州市", lng: 119.972, lat: 31.83 });
    expect(d.title).toBe("道路积水：坐标 119.972,31.83");
    expect(d.content).toBe("监督员上报事件「突发事件/道路积水」：坐标 119.972,31.83");
  });

  it("a grid code without an address names the place from the city data", () => {
    const e = ev({ kind: "事件", majorCode: "01", minorCode: "02" }, ["objectCode", "address", "lng", "lat"]);
    expect(toCaseDraft(e, checkEvent(e, grid)).location).toEqual({
      address: "常州市钟楼区南大街街道网格 32040400100301",
      city: "常州市",
      districtCode: "320404",
      district: "钟楼区",
      street: "南大街街道",
      gridCode: "32040400100301",
    });
  });
});

describe("inbound steps", () => {
  it("verification result → cases.verification params, optional fields left out", () => {
    expect(toVerificationParams("VF1", { passed: true, inspectorId: "JD1", note: " 已整改 ", checkedAt: "2026-12-01T15:40:00+08:00" }, "2026-12-01T16:00:00Z")).toEqual({
      system: "grid",
      verificationId: "VF1",
      passed: true,
      inspectorId: "JD1",
      note: "已整改",
      at: "2026-12-01T15:40:00+08:00",
    });
    expect(toVerificationParams("VF1", { passed: false }, "2026-12-01T16:00:00Z")).toEqual({ system: "grid", verificationId: "VF1", passed: false, at: "2026-12-01T16:00:00Z" });
  });

  it("carries the photos of a feedback and of a verification result (kept on the case)", () => {
    const photos = ["https://grid.example.gov.cn/photos/a.jpg"];
    expect(toVerificationParams("VF1", { passed: true, photos }, "2026-12-01T16:00:00Z").photos).toEqual(photos);
    expect(toTaskFeedbackParams({ unitId: "U", taskId: "TK1" }, { outcome: 0, text: "已清运", photos }, "2026-12-01T16:00:00Z").photos).toEqual(photos);
    expect(toTaskFeedbackParams({ unitId: "U", taskId: "TK1" }, { outcome: 0, text: "已清运", photos: [] }, "2026-12-01T16:00:00Z")).not.toHaveProperty("photos");
  });

  it("task feedback → cases.unitResult params", () => {
    expect(toTaskFeedbackParams({ unitId: "CZ-ZL-NDJ-JD", taskId: "TK1" }, { outcome: 0, text: " 已清运 " }, "2026-12-01T16:00:00Z")).toEqual({
      unitId: "CZ-ZL-NDJ-JD",
      taskId: "TK1",
      outcome: 0,
      text: "已清运",
      at: "2026-12-01T16:00:00Z",
    });
  });
});

describe("outbound", () => {
  const task: HandlerTask = {
    taskId: "TK-1",
    caseId: "TG1",
    role: "owner",
    rework: 1,
    title: "暴露垃圾：某处",
    content: "空地暴露垃圾",
    appealType: "举报",
    category: { path: ["事件", "市容环境", "暴露垃圾"], code: "010202" },
    location: { address: "某处", districtCode: "320404", gridCode: "32040400100301" },
    urgency: "一般",
    signDeadline: null,
    handleDeadline: "2026-12-01T14:00:00+08:00",
    reporter: { confidential: true },
    note: "返工：核查未通过",
    sentAt: "2026-12-01T09:15:00+08:00",
  };

  it("task → POST /dispatches for the target unit, in the grid system's words", () => {
    const req = toDispatch(task, "CZ-ZL-NDJ-JD");
    expect(req).toMatchObject({ method: "POST", path: "/dispatches" });
    expect(req.body).toMatchObject({ dispatchId: "TK-1", unitId: "CZ-ZL-NDJ-JD", role: "主办", rework: 1, description: "空地暴露垃圾", note: "返工：核查未通过", reporter: { confidential: true } });
    expect(validate("tongguan:grid/task", req.body).ok).toBe(true);
    expect(() => toDispatch(task, null)).toThrow(/处置单位/);
    expect(req.body).not.toHaveProperty("photos");
  });

  it("task with the case's photos → the dispatch shows them (url, step, who, when)", () => {
    const attachments = [{ url: "https://grid.example.gov.cn/photos/GE1-1.jpg", kind: "上报" as const, by: "监督员 JD1", at: "2026-12-01T09:12:00+08:00" }];
    const req = toDispatch({ ...task, attachments }, "CZ-ZL-NDJ-JD");
    expect(req.body.photos).toEqual(attachments);
    expect(validate("tongguan:grid/task", req.body).ok).toBe(true);
  });

  it("urge and recall → POST /dispatches/{dispatchId}/urge|recall for the target unit", () => {
    const u = toUrge({ taskId: "TK 1", caseId: "TG1", level: "督办", text: "超期督办", urgedAt: "2026-12-01T11:35:00+08:00" }, "CZ-ZL-CGJ");
    expect(u).toEqual({
      method: "POST",
      path: "/dispatches/TK%201/urge",
      body: { dispatchId: "TK 1", caseId: "TG1", unitId: "CZ-ZL-CGJ", level: "督办", content: "超期督办", urgedAt: "2026-12-01T11:35:00+08:00" },
    });
    expect(validate("tongguan:grid/urge", u.body).ok).toBe(true);
    const r = toRecall({ taskId: "TK1", caseId: "TG1", reason: "改派", recalledAt: "2026-12-01T10:00:00+08:00" }, "CZ-ZL-NDJ-JD");
    expect(r).toMatchObject({ method: "POST", path: "/dispatches/TK1/recall", body: { dispatchId: "TK1", unitId: "CZ-ZL-NDJ-JD", reason: "改派" } });
    expect(validate("tongguan:grid/recall", r.body).ok).toBe(true);
    expect(() => toUrge({ taskId: "TK1", caseId: "TG1", level: "催办", text: "x", urgedAt: "2026-12-01T10:00:00+08:00" }, null)).toThrow(/接收单位/);
    expect(() => toRecall({ taskId: "TK1", caseId: "TG1", reason: "x", recalledAt: "2026-12-01T10:00:00+08:00" }, null)).toThrow(/处置单位/);
  });

  it("overdue → POST /events/{eventId}/overdue in the grid system's words", () => {
    const n = toOverdueNotice({
      externalId: "GE1",
      caseId: "TG1",
      level: "督办",
      deadlineKind: "handle",
      deadline: "2026-11-30T11:00:00+08:00",
      overdue: true,
      unitName: "钟楼区南大街街道办事处",
      supervisorName: "钟楼区城市管理局",
      text: "督办",
      notifiedAt: "2026-12-01T11:35:00+08:00",
    });
    expect(n.path).toBe("/events/GE1/overdue");
    expect(n.body).toMatchObject({ eventId: "GE1", level: "督办", limitKind: "处置", overdue: true, supervisorName: "钟楼区城市管理局" });
    expect(validate("tongguan:grid/overdue", n.body).ok).toBe(true);
  });

  it("verification → POST /verifications with the class and the owner's feedback", () => {
    const v: Verification = {
      verificationId: "VF1",
      caseId: "TG1",
      externalId: "GE1",
      title: "上水井盖",
      location: { address: "某处" },
      cityManagement: { kind: "部件", majorCode: "01", minorCode: "01", majorName: "公用设施", minorName: "上水井盖", objectCode: "3204040101000001", reporterId: "JD1" },
      ownerUnitId: "CZ-ZL-CGJ",
      ownerUnitName: "钟楼区城市管理局",
      reply: "已更换",
      dueAt: "2026-12-01T12:00:00+08:00",
      sentAt: "2026-12-01T09:00:00+08:00",
    };
    const req = toVerificationRequest(v);
    expect(req.path).toBe("/verifications");
    expect(req.body).toMatchObject({ eventId: "GE1", feedback: "已更换", classification: { kind: "部件", majorCode: "01", minorCode: "01", objectCode: "3204040101000001" }, requestedAt: v.sentAt });
    expect(validate("tongguan:grid/verification", req.body).ok).toBe(true);
    expect(toVerificationRequest({ ...v, externalId: null, cityManagement: undefined }).body.eventId).toBeNull();
    const photos = [
      { url: "https://grid.example.gov.cn/photos/GE1-1.jpg", kind: "上报" as const, by: "监督员 JD1", at: "2026-12-01T08:00:00+08:00" },
      { url: "https://grid.example.gov.cn/photos/TK1-after.jpg", kind: "处置" as const, by: "钟楼区城市管理局", at: "2026-12-01T08:50:00+08:00" },
    ];
    const withPhotos = toVerificationRequest({ ...v, attachments: photos });
    expect(withPhotos.body.photos).toEqual(photos);
    expect(validate("tongguan:grid/verification", withPhotos.body).ok).toBe(true);
  });
});

describe("gridCityOf", () => {
  it("takes the districts from city.json and the streets from the street units", () => {
    const c = cities.find((x) => x.code === "3213")!;
    const g = gridCityOf(c, c.management!);
    expect(g.districts["321302"]).toBe("宿城区");
    expect(g.streets["321302004"]).toBe("古城街道");
  });
});
