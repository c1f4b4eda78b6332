import { API, checkQuery } from "./api";

const route = (action: string) => API.find((r) => r.action === action)!;
const check = (action: string, qs: string) => checkQuery(route(action), new URLSearchParams(qs));
const CJK = /[\u4e00-\u9fff]/;

describe("query parameters of the agents' API", () => {
  it("refuses an unknown status, naming every allowed one with its label", () => {
    const r = check("cases.list", "status=FOO");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].pointer).toBe("/query/status");
    expect(r.errors[0].message).toContain("「FOO」");
    for (const s of ["RECEIVED", "TRIAGE", "DISPATCHED", "IN_PROGRESS", "REPLIED", "ARCHIVED", "RETURNED", "待人工分拨"]) expect(r.errors[0].message).toContain(s);
    expect(r.errors[0].messageEn).toContain("must be one of");
  });

  it("accepts a comma list of statuses and converts numbers and booleans", () => {
    expect(check("cases.list", "status=TRIAGE,DISPATCHED&page=2&pageSize=50&overdue=true")).toEqual({ ok: true, value: { status: "TRIAGE,DISPATCHED", page: 2, pageSize: 50, overdue: true } });
    expect(check("cases.list", "status=TRIAGE&status=DISPATCHED")).toEqual({ ok: true, value: { status: "TRIAGE,DISPATCHED" } });
    expect(check("cases.list", "from=2024-06-11T00:00:00%2B08:00&owner=")).toEqual({ ok: true, value: { from: "2024-06-11T00:00:00+08:00" } });
  });

  it("refuses limits, types, dates and unknown names with one Chinese message per parameter (no English in it)", () => {
    const r = check("cases.list", "pageSize=1000&page=0&overdue=yes&from=yesterday&stauts=TRIAGE");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.pointer).sort()).toEqual(["/query/from", "/query/overdue", "/query/page", "/query/pageSize", "/query/stauts"]);
    const by = Object.fromEntries(r.errors.map((e) => [e.pointer, e]));
    expect(by["/query/pageSize"].message).toBe("「每页条数」（pageSize）不能大于 200，收到 1000");
    expect(by["/query/pageSize"].messageEn).toBe("must be <= 200, got 1000");
    expect(by["/query/stauts"].message).toContain("可用参数");
    for (const e of r.errors) {
      expect(e.message).toMatch(CJK);
      // besides parameter names, values and ISO examples, no English words
      expect(e.message.replace(/「[^」]*」|（[A-Za-z]+）|ISO 8601|\d{4}-\d\d-\d\dT[\d:+]+|true|false|status|owner|origin|from|to|pageSize|page|overdue/g, "")).not.toMatch(/[A-Za-z]{3,}/);
    }
  });

  it("refuses any query parameter on a route that declares none", () => {
    const r = check("cases.get", "verbose=1");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ pointer: "/query/verbose" });
  });

  it("declares query names that never collide with path parameters", () => {
    for (const r of API) {
      const pathNames = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      for (const n of Object.keys(r.query?.properties ?? {})) expect(pathNames).not.toContain(n);
    }
  });
});
