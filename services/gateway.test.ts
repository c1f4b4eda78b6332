import { Errors } from "moleculer";
import { HubError } from "../kit/errors";
import { isoTime, toErrorBody } from "./gateway.service";

describe("gateway error answers", () => {
  it("answers a store that cannot be reached 503 STORE_UNAVAILABLE, also behind drizzle's wrapper", () => {
    const wrapped = Object.assign(new Error("Failed query: insert into cases …"), { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }) });
    for (const e of [wrapped, new Error("Connection terminated unexpectedly")]) {
      const out = toErrorBody(e);
      expect(out.status).toBe(503);
      expect(out.body.error.code).toBe("STORE_UNAVAILABLE");
      expect(out.body.error.message).toMatch(/数据库/);
    }
  });

  it("answers Moleculer's own 'not now' refusals 503 in Chinese", () => {
    for (const e of [
      new Errors.RequestTimeoutError({ action: "cases.open", nodeID: "n1" }),
      new Errors.ServiceNotFoundError({ action: "cases.open" }),
      new Errors.ServiceNotAvailableError({ action: "cases.open", nodeID: "n1" }),
    ]) {
      const out = toErrorBody(e);
      expect(out.status).toBe(503);
      expect(out.body.error.message).toMatch(/^[^A-Za-z]+$/);
    }
  });

  it("renders Moleculer's validation errors with a purely Chinese message", () => {
    const e = new Errors.ValidationError("Parameters validation error!", "VALIDATION_ERROR", [
      { type: "numberMax", field: "limit", expected: 500, actual: 1000, message: "The 'limit' field must be less than or equal to 500." },
      { type: "required", field: "id", message: "The 'id' field is required." },
    ]);
    const out = toErrorBody(e);
    expect(out.status).toBe(422);
    expect(out.body.error.message).toBe("请求参数不合法，共 2 处错误");
    const errors = out.body.error.errors as { pointer: string; message: string; messageEn: string }[];
    expect(errors[0]).toEqual({ pointer: "/limit", message: "参数 limit 不能大于 500", messageEn: "The 'limit' field must be less than or equal to 500." });
    expect(errors[1].message).toBe("参数 id 为必填项");
  });

  it("keeps a HubError as it is", () => {
    const out = toErrorBody(new HubError(409, "ILLEGAL_TRANSITION", "不能", "cannot", { inboundId: "IN1" }));
    expect(out).toEqual({ status: 409, body: { error: { code: "ILLEGAL_TRANSITION", message: "不能", messageEn: "cannot", inboundId: "IN1" } } });
  });
});

describe("isoTime", () => {
  it("turns PostgreSQL's text and Dates into ISO 8601", () => {
    expect(isoTime("2024-06-11 09:20:05.123+08")).toBe("2024-06-11T01:20:05.123Z");
    expect(isoTime("2024-06-11 01:20:05.123456+00")).toBe("2024-06-11T01:20:05.123Z");
    expect(isoTime("2024-06-11 09:20:05+05:30")).toBe("2024-06-11T03:50:05.000Z");
    expect(isoTime(new Date("2024-06-11T01:20:05Z"))).toBe("2024-06-11T01:20:05.000Z");
    expect(isoTime(null)).toBeNull();
    expect(isoTime("not a time")).toBeNull();
  });
});
