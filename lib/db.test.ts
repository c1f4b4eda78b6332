import { Errors } from "moleculer";
import { HubError } from "../kit/errors";
import { StoreErrorsMiddleware, isStoreUnavailable, storeUnavailableError } from "./db";

const pgError = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("isStoreUnavailable", () => {
  it("knows a store that cannot be reached from a bad query", () => {
    for (const e of [
      pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"),
      pgError("ECONNRESET", "read ECONNRESET"),
      pgError("57P01", "terminating connection due to administrator command"),
      pgError("57P03", "the database system is starting up"),
      pgError("08006", "connection failure"),
      new Error("Connection terminated unexpectedly"),
      new Error("Connection terminated due to connection timeout"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Client has encountered a connection error and is not queryable"),
      storeUnavailableError(),
    ])
      expect({ m: e.message, r: isStoreUnavailable(e) }).toEqual({ m: e.message, r: true });
    for (const e of [
      pgError("23505", "duplicate key value violates unique constraint"),
      pgError("42P01", 'relation "x" does not exist'),
      new Error("boom"),
      new HubError(409, "ILLEGAL_TRANSITION", "不能", "cannot"),
      null,
      undefined,
      "text",
    ])
      expect(isStoreUnavailable(e)).toBe(false);
  });

  it("looks through drizzle's wrapper (cause) and errors that crossed the bus", () => {
    const wrapped = Object.assign(new Error("Failed query: select 1\nparams: "), { cause: new Error("Connection terminated unexpectedly") });
    expect(isStoreUnavailable(wrapped)).toBe(true);
    const remote = Object.assign(new Error("remote"), { type: "STORE_UNAVAILABLE", code: 503 });
    expect(isStoreUnavailable(remote)).toBe(true);
    expect(isStoreUnavailable(new Errors.MoleculerError("x", 500, "X", { cause: pgError("ECONNREFUSED") }))).toBe(true);
  });

  it("answers 503 STORE_UNAVAILABLE in Chinese and English", () => {
    const e = storeUnavailableError();
    expect(e.code).toBe(503);
    expect(e.type).toBe("STORE_UNAVAILABLE");
    expect(e.data.message).toMatch(/数据库/);
    expect(e.data.messageEn).toMatch(/store/);
  });

  it("turns a store failure of a local action into STORE_UNAVAILABLE, nothing else", async () => {
    const wrap = (err: unknown) => StoreErrorsMiddleware.localAction(() => Promise.reject(err))({});
    await expect(wrap(new Error("Connection terminated unexpectedly"))).rejects.toMatchObject({ type: "STORE_UNAVAILABLE", code: 503 });
    const other = new HubError(404, "NOT_FOUND", "不存在", "not found");
    await expect(wrap(other)).rejects.toBe(other);
  });
});
