import nock from "nock";
import { DeliveryError, HttpClient } from "../../kit/http-client";
import { hotline12345 } from "./spec";

const BASE = "http://platform12345.test";

describe("HttpClient sending hotline12345 messages (nock)", () => {
  let client: HttpClient;
  const req = () =>
    hotline12345.commands.reply!.build({ externalId: "CZ2406110000093", outcome: 0, text: "已清理占道摊点", unitName: "钟楼区城市管理局", repliedAt: "2024-06-12T10:00:00+08:00" }, null);

  beforeAll(() => nock.disableNetConnect());
  beforeEach(() => {
    client = new HttpClient({ name: "hotline12345", baseUrl: BASE, breaker: { volumeThreshold: 100 } });
  });
  afterEach(() => {
    client.shutdown();
    nock.cleanAll();
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  it("posts the body with the Idempotency-Key header", async () => {
    const scope = nock(BASE)
      .post("/work-orders/CZ2406110000093/reply", (b) => b.outcome === 0 && b.unitName === "钟楼区城市管理局")
      .matchHeader("idempotency-key", "OB-1")
      .reply(200, { ok: true, orderNo: "CZ2406110000093" });
    await expect(client.send(req(), "OB-1")).resolves.toEqual({ status: 200, body: { ok: true, orderNo: "CZ2406110000093" } });
    expect(scope.isDone()).toBe(true);
  });

  it("a 503 is a transient DeliveryError", async () => {
    nock(BASE).post("/work-orders/CZ2406110000093/reply").reply(503, { error: "busy" });
    const err = await client.send(req(), "OB-2").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ permanent: false, status: 503 });
  });

  it("a 400 is a permanent DeliveryError carrying the answer", async () => {
    nock(BASE)
      .post("/work-orders/CZ2406110000093/reply")
      .reply(400, { error: { code: "VALIDATION_FAILED" } });
    const err = await client.send(req(), "OB-3").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ permanent: true, status: 400, body: { error: { code: "VALIDATION_FAILED" } } });
  });
});
