import { validate } from "../../contracts";
import type { Publication } from "../../contracts/types";
import { startFakeHub as fakeHub } from "../../kit/fake-hub.testkit";
import { HttpClient } from "../../kit/http-client";
import { SCHEMA, toPublicationRequest } from "./mapping";
import { CreditSimulator } from "./simulator";

/** A stand-in for the hub's gateway: records every call, checks each against the credit contracts. */
const startFakeHub = () =>
  fakeHub((path, body) => {
    const v = validate(path.endsWith("/repairs") ? SCHEMA.repair : SCHEMA.level, body);
    return { status: v.ok ? 200 : 422, body: v.ok ? { ok: true } : { errors: v.errors } };
  });

const sentAt = "2026-12-01T10:00:00+08:00";
const penalty = (recordId: string, wsh: string, over: Record<string, unknown> = {}): Publication => ({
  recordId,
  action: "publish",
  kind: "penalty",
  record: { 行政相对人名称: "常州某某渣土运输有限公司", 行政相对人类别: "法人及非法人组织", 行政处罚决定书文号: wsh, 法定代表人证件号码: "320402198001011234", ...over },
  sentAt,
});

describe("CreditSimulator", () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let sim: CreditSimulator;
  let client: HttpClient;
  const lines: string[] = [];
  const send = (p: Publication, key = `${p.recordId}-${p.action}-${Math.random()}`) => client.send(toPublicationRequest(p), key);

  beforeEach(async () => {
    lines.length = 0;
    hub = await startFakeHub();
    sim = new CreditSimulator({ log: (l) => lines.push(l) });
    const url = await sim.start(0);
    sim.setHub(hub.url, "demo-credit-key");
    client = new HttpClient({ name: "credit", key: "credit", baseUrl: url });
  });
  afterEach(async () => {
    await sim.stop();
    await hub.close();
  });

  it("records a penalty, a list decision and revocations; published / revoked / lists read them", async () => {
    await send(penalty("SN-1", "W1"));
    await send({ recordId: "LE-1", action: "publish", kind: "list", record: { 名单类型: "严重失信主体名单", 主体名称: "某公司", 认定依据: "某办法第十二条", 列入日期: "2026-12-01" }, sentAt });
    expect(sim.published("SN-1")).toMatchObject({ SJID: "SN-1", CF_WSH: "W1", XDR_MC: "常州某某渣土运输有限公司", FR_ZJHM: "320402198001011234" });
    expect(sim.lists()).toEqual([expect.objectContaining({ SJID: "LE-1", MDLX: "严重失信主体名单" })]);
    expect(sim.penalties().map((p) => p.SJID)).toEqual(["SN-1"]);
    expect(sim.revoked("SN-1")).toBeUndefined();

    await send({ recordId: "SN-1", action: "revoke", kind: "penalty", record: { 行政处罚决定书文号: "W1", 撤销原因: "信用修复" }, sentAt: "2027-03-01T09:00:00+08:00" });
    await send({ recordId: "LE-1", action: "revoke", kind: "list", record: {}, sentAt: "2027-03-01T09:00:00+08:00" });
    expect(sim.revoked("SN-1")).toEqual({ SJID: "SN-1", WSH: "W1", CXYY: "信用修复", CXSJ: "2027-03-01T09:00:00+08:00" });
    expect(sim.revoked("LE-1")).toMatchObject({ SJID: "LE-1" });
    expect(sim.published("SN-1")).toBeDefined(); // revoked, not forgotten
    expect(lines.join("\n")).not.toContain("320402198001011234"); // the log names no ID number
  });

  it("a repeated SJID is a correction (latest version kept); a repeated Idempotency-Key is answered, not applied again", async () => {
    await send(penalty("SN-2", "W2"), "k1");
    await send(penalty("SN-2", "W2", { 处罚类别: "罚款" }), "k2");
    await send(penalty("SN-2", "W2", { 处罚类别: "警告" }), "k2");
    expect(sim.records.get("SN-2")).toMatchObject({ versions: 2, body: { CF_CFLB: "罚款" } });
  });

  it("refuses what breaks its contract (a permanent 4xx naming the field) and a revocation of an unknown record (404)", async () => {
    await expect(send({ recordId: "SN-3", action: "publish", record: { 行政相对人名称: "某公司" }, sentAt })).rejects.toMatchObject({ permanent: true, status: 400 });
    expect(sim.received.at(-1)?.status).toBe(400);
    expect(lines.at(-1)).toContain("/CF_WSH");
    await expect(send({ recordId: "SN-404", action: "revoke", record: {}, sentAt })).rejects.toMatchObject({ permanent: true, status: 404 });
    expect(sim.published("SN-3")).toBeUndefined();
  });

  it("fails on demand: setMode({failStatus: 503}) is transient, and nothing is recorded", async () => {
    sim.setMode({ failStatus: 503 });
    await expect(send(penalty("SN-4", "W4"))).rejects.toMatchObject({ permanent: false });
    expect(sim.published("SN-4")).toBeUndefined();
    sim.setMode({});
    await send(penalty("SN-4", "W4"));
    expect(sim.published("SN-4")).toBeDefined();
  });

  it("repair(decisionNo) posts a repair decision with the record's SJID to the hub under the credit key", async () => {
    await send(penalty("SN-5", "W5"));
    const res = await sim.repair("W5", { at: "2027-03-01T09:00:00+08:00" });
    expect(res.status).toBe(200);
    expect(hub.calls).toEqual([
      {
        path: "/api/v1/credit/repairs",
        apiKey: "demo-credit-key",
        body: expect.objectContaining({ CF_WSH: "W5", SJID: "SN-5", XFSJ: "2027-03-01T09:00:00+08:00", TZGS: "1", XFYJ: expect.any(String) }),
      },
    ]);
    expect(sim.records.get("SN-5")?.repaired).toMatchObject({ CF_WSH: "W5" });
    await sim.repair("W-unknown", { stopsPublication: false });
    expect(hub.calls[1].body).not.toHaveProperty("SJID");
    expect(hub.calls[1].body.TZGS).toBe("0");
  });

  it("level(code, grade) posts a comprehensive credit level; both controls also over HTTP", async () => {
    await expect(sim.level("91320402MA1XXXXXXX", "C", { name: "某公司", evaluatedAt: "2027-01-15" })).resolves.toMatchObject({ status: 200 });
    expect(hub.calls[0]).toMatchObject({ path: "/api/v1/credit/levels", body: { ZTLB: "法人及非法人组织", ZTDM: "91320402MA1XXXXXXX", PJDJ: "C", PJRQ: "2027-01-15", ZTMC: "某公司" } });
    const post = (path: string, body: unknown) => fetch(`${sim.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json());
    await expect(post("/__sim/level", { code: "32040219900101123X", level: "优", type: "自然人" })).resolves.toEqual({ hubStatus: 200, hubAnswer: { ok: true } });
    await expect(post("/__sim/repair", { decisionNo: "W6" })).resolves.toEqual({ hubStatus: 200, hubAnswer: { ok: true } });
    expect(hub.calls.map((c) => c.path)).toEqual(["/api/v1/credit/levels", "/api/v1/credit/levels", "/api/v1/credit/repairs"]);
  });

  it("without a hub URL, a repair answers status 0 and is not marked", async () => {
    const lone = new CreditSimulator();
    await expect(lone.repair("W1")).resolves.toMatchObject({ status: 0 });
  });
});
