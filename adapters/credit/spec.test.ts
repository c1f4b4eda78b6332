import { creditRegistry } from "../index";
import { fakeHub } from "../../kit/conformance";
import { HubError, notFound } from "../../kit/errors";
import { CREDIT_ROLE, credit } from "./spec";

// Generic checks (contracts, examples, builders, every route through a fake hub, the simulator)
// are in adapters/conformance.test.ts; here only what is particular to the credit platform.

const route = (kind: string) => credit.routes.find((r) => r.kind === kind)!;

describe("credit spec", () => {
  it("declares itself: a registry that takes publications, two inbound routes, one caller role", () => {
    expect(credit.system).toBe("credit");
    expect(credit.basePath).toBe("/v1/credit");
    expect(credit.roles).toEqual(["registry"]);
    expect(credit.origin).toBeUndefined();
    expect(credit.routes.map((r) => `${r.method} ${r.path} ${r.kind}`)).toEqual(["POST /repairs repair", "POST /levels level"]);
    expect(Object.keys(credit.commands)).toEqual(["publication"]);
    expect(credit.callers).toEqual([{ role: CREDIT_ROLE, label: "公共信用信息共享平台", demoKey: "demo-credit-key" }]);
    expect(credit.settings.map((s) => s.env)).toEqual(["EXT_CREDIT_URL", "EXT_CREDIT_API_KEY", "SIM_CREDIT_PORT"]);
  });

  it("is the registry: creditRegistry() names it", () => {
    expect(creditRegistry()).toBe("credit");
  });

  it("a hub refusal (an unknown decision) propagates", async () => {
    const hub = fakeHub(() => {
      throw notFound("行政处罚决定", "decision", "W9");
    });
    await expect(route("repair").handle({ CF_WSH: "W9", XFSJ: "2027-03-02", XFYJ: "依据" }, {}, hub)).rejects.toBeInstanceOf(HubError);
  });

  it("answers 200 with the hub's answer, or {ok: true} when the hub answers nothing", async () => {
    await expect(
      route("level").handle(
        { ZTLB: "自然人", ZTDM: "32040219900101123X", PJDJ: "A", PJRQ: "2027-01-15" },
        {},
        fakeHub(() => undefined),
      ),
    ).resolves.toEqual({ status: 200, body: { ok: true } });
  });
});
