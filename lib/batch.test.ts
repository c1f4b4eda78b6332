import { ADAPTERS } from "../adapters";
import { hubPath, itemRequest, resourceOf, routeMatcher, runInOrder } from "./batch";

const match = routeMatcher(ADAPTERS);

describe("an item's path names the adapter route the gateway would have matched", () => {
  it("matches the mounted path, decodes its parameters, and names the route of the spec", () => {
    const m = match("POST", "/api/v1/police/notices/N%2F1/receipt")!;
    expect(m.spec.system).toBe("police");
    expect(m.spec.routes[m.routeIndex].kind).toBe("notice-receipt");
    expect(m.pathParams).toEqual({ noticeId: "N/1" });
    const u = match("POST", "/api/v1/units/CZ-ZL-CGJ/tasks/TK-1/result")!;
    expect([u.spec.system, u.spec.routes[u.routeIndex].kind, u.pathParams]).toEqual(["unit", "result", { unitId: "CZ-ZL-CGJ", taskId: "TK-1" }]);
  });

  it("as moleculer-web does: case-insensitive, an optional trailing slash, a route at its basePath without it, query parameters merged (path ones win)", () => {
    expect(match("POST", "/API/V1/police/NOTICES/N1/receipt/")?.pathParams).toEqual({ noticeId: "N1" });
    expect(match("POST", "/api/v1/sanctions")?.spec.system).toBe("enforcement");
    expect(match("POST", "/api/v1/sanctions/")?.spec.system).toBe("enforcement");
    expect(match("POST", "/api/v1/police/notices/N1/receipt?via=x&noticeId=Q&two=1&two=2")?.pathParams).toEqual({ noticeId: "N1", via: "x" });
  });

  it("answers nothing for another method, an unknown path, the batch route itself or a broken escape", () => {
    expect(match("PUT", "/api/v1/police/notices/N1/receipt")).toBeUndefined();
    expect(match("POST", "/api/v1/police/notices/N1")).toBeUndefined();
    expect(match("POST", "/api/v1/police/notices/N1/receipt/more")).toBeUndefined();
    expect(match("POST", "/api/v1/batch")).toBeUndefined();
    expect(match("POST", "/api/v1/cases/TG1/reassign")).toBeUndefined(); // the agents' API is not an adapter route
    expect(match("POST", "/api/v1/police/notices/%E0%A4%A/receipt")).toBeUndefined();
  });

  it("takes a path relative to /api (as the envelope's contract puts it) as the hub's", () => {
    expect(hubPath("/v1/police/notices/N1/receipt")).toBe("/api/v1/police/notices/N1/receipt");
    expect(hubPath("/api/v1/police/notices/N1/receipt")).toBe("/api/v1/police/notices/N1/receipt");
    expect(match("POST", hubPath("/v1/police/notices/N1/receipt"))?.spec.system).toBe("police");
  });
});

describe("resourceOf", () => {
  const of = (path: string, index = 0) => resourceOf(path, match("POST", hubPath(path)), index);

  it("is the path up to the route's last parameter: one notice's receipt and feedback, one task's answers", () => {
    expect(of("/api/v1/police/notices/N1/receipt")).toBe(of("/api/v1/police/notices/N1/feedback"));
    expect(of("/api/v1/police/notices/N1/receipt")).toBe("/api/v1/police/notices/n1");
    expect(of("/api/v1/police/notices/N2/receipt")).not.toBe(of("/api/v1/police/notices/N1/receipt"));
    expect(of("/v1/units/U1/tasks/T1/accept")).toBe(of("/api/v1/units/U1/tasks/T1/result?x=1"));
    expect(of("/api/v1/units/U1/tasks/T1/accept")).not.toBe(of("/api/v1/units/U1/tasks/T2/accept"));
  });

  it("is the item's own for a new message to a collection (work orders, sanctions): they run at once", () => {
    expect(of("/api/v1/sanctions", 0)).not.toBe(of("/api/v1/sanctions", 1));
    expect(of("/api/v1/hotline12345/work-orders", 3)).not.toBe(of("/api/v1/hotline12345/work-orders", 4));
  });

  it("is the path without its last segment (query and trailing slash dropped) for a path that is no route", () => {
    expect(resourceOf("/api/v1/police/nothing/N1/receipt")).toBe("/api/v1/police/nothing/N1");
    expect(resourceOf("/v1/police/nothing/N1/feedback/?x=1")).toBe("/api/v1/police/nothing/N1");
    expect(resourceOf("/x")).toBe("/api");
  });
});

describe("itemRequest", () => {
  const envelope = {
    headers: { "content-type": "application/json", "content-length": "999", "idempotency-key": "envelope-key", "user-agent": "ua", "remote-addr": "127.0.0.1" },
    contentType: "application/json",
  };
  const limits = { maxBodyBytes: 1024, rawKeepBytes: 16 };

  it("is the request the item stands for: its path, body text, byte size and key; the envelope's other headers", () => {
    const item = { method: "POST" as const, path: "/v1/police/notices/N1/receipt", idempotencyKey: "k1", body: { qsr: "王" } };
    const r = itemRequest(envelope, item, { index: 1, count: 3 }, match("POST", hubPath(item.path)), limits);
    expect(r).toMatchObject({ system: "police", method: "POST", path: "/api/v1/police/notices/N1/receipt", pathParams: { noticeId: "N1" }, contentType: "application/json", tooLarge: false });
    expect(r.text).toBe('{"qsr":"王"}');
    expect(r.bodyBytes).toBe(Buffer.byteLength('{"qsr":"王"}'));
    expect(r.raw).toBe(r.text);
    expect(r.truncated).toBe(false);
    expect(r.headers).toEqual({
      "content-type": "application/json",
      "content-length": String(r.bodyBytes),
      "idempotency-key": "k1",
      "user-agent": "ua",
      "remote-addr": "127.0.0.1",
      "x-batch-item": "2/3",
    });
  });

  it("keeps a capped copy without a split character, has no key when the item has none, and names no system for an unknown path", () => {
    const r = itemRequest(envelope, { method: "POST", path: "/api/v1/nowhere", body: { text: "一二三四五六七八" } }, { index: 0, count: 1 }, undefined, limits);
    expect(r.system).toBe("batch");
    expect(r.routeIndex).toBe(-1);
    expect(r.headers["idempotency-key"]).toBeUndefined();
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.raw)).toBeLessThanOrEqual(16);
    expect(r.raw).toBe('{"text":"一二');
    expect(r.text).toBe('{"text":"一二三四五六七八"}');
  });
});

describe("runInOrder", () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("runs the items of one key one after the other in item order, different keys at once; results in item order", async () => {
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const items = [
      { k: "a", n: 1, ms: 30 },
      { k: "b", n: 2, ms: 5 },
      { k: "a", n: 3, ms: 1 },
      { k: "c", n: 4, ms: 10 },
      { k: "b", n: 5, ms: 1 },
    ];
    const out = await runInOrder(
      items,
      (x) => x.k,
      async (x, i) => {
        running++;
        most = Math.max(most, running);
        log.push(`start ${x.n}`);
        await tick(x.ms);
        log.push(`end ${x.n}`);
        running--;
        return `${x.n}@${i}`;
      },
      8,
    );
    expect(out).toEqual(["1@0", "2@1", "3@2", "4@3", "5@4"]);
    expect(most).toBe(3);
    // within a key: the next starts after the previous ended
    expect(log.indexOf("start 3")).toBeGreaterThan(log.indexOf("end 1"));
    expect(log.indexOf("start 5")).toBeGreaterThan(log.indexOf("end 2"));
    // across keys: 4 and 2 ran while 1 did
    expect(log.indexOf("end 4")).toBeLessThan(log.indexOf("end 1"));
  });

  it("runs at most `lanes` keys at once", async () => {
    let running = 0;
    let most = 0;
    await runInOrder(
      Array.from({ length: 20 }, (_, i) => i),
      (i) => String(i),
      async () => {
        most = Math.max(most, ++running);
        await tick(2);
        running--;
      },
      4,
    );
    expect(most).toBe(4);
  });
});
