/**
 * The conformance checks catch adapter mistakes: each case breaks one thing of a spec that
 * conforms (the 12345 or the unit adapter) and expects the problem, naming adapter, place and field.
 */
import { hotline12345 } from "../adapters/hotline12345/spec";
import { unit } from "../adapters/unit/spec";
import type { AdapterSpec, InboundRoute, OutboundKind } from "./adapter";
import { checkAdapter, checkInbound, checkSimulator, contractsOf, fakeHub, pathParams } from "./conformance";

/** A copy of a spec with some fields replaced. */
const broken = (spec: AdapterSpec, changes: Partial<AdapterSpec>): AdapterSpec => ({ ...spec, ...changes });
const sign = hotline12345.commands.sign!;
const workOrder = hotline12345.routes[0];

describe("checkAdapter", () => {
  it("finds nothing wrong with the registered adapters", () => {
    expect(checkAdapter(hotline12345)).toEqual([]);
    expect(checkAdapter(unit)).toEqual([]);
  });

  it("a builder that leaves out a required field: the command, the example and the field", () => {
    const noUnitName: OutboundKind = { ...sign, build: (p) => ({ method: "POST", path: `/work-orders/${p.externalId}/sign`, body: { signedAt: p.signedAt } }) };
    const problems = checkAdapter(broken(hotline12345, { commands: { ...hotline12345.commands, sign: noUnitName } }));
    expect(problems).toEqual(["hotline12345: command sign: tongguan:command/sign example 1: built body does not match tongguan:hotline12345/sign: /unitName is required"]);
  });

  it("a builder that throws, answers GET, a path with a missing value or changes its payload", () => {
    const commands = {
      sign: {
        ...sign,
        build: () => {
          throw new Error("boom");
        },
      },
      return: { ...hotline12345.commands.return!, build: (p: Record<string, any>) => ({ method: "GET" as never, path: `/work-orders/${p.orderNo}/return`, body: {} }) },
      reply: {
        ...hotline12345.commands.reply!,
        build: (p: Record<string, any>, t: string | null) => {
          const req = hotline12345.commands.reply!.build(p, t);
          p.externalId = "changed";
          return req;
        },
      },
    };
    const problems = checkAdapter(broken(hotline12345, { commands }));
    expect(problems).toEqual(
      expect.arrayContaining([
        "hotline12345: command sign: tongguan:command/sign example 1: build threw: boom",
        'hotline12345: command return: tongguan:command/return example 1: method "GET" must be POST or PUT',
        'hotline12345: command return: tongguan:command/return example 1: path "/work-orders/undefined/return" has a missing value in it',
        "hotline12345: command return: tongguan:command/return example 1: built body does not match tongguan:hotline12345/return: /reason is required",
        "hotline12345: command reply: tongguan:command/reply example 1: build changed the payload it was given",
      ]),
    );
  });

  it("a perTarget adapter is built for a plausible target", () => {
    const seen: Array<string | null> = [];
    const task = { ...unit.commands.task!, build: (p: Record<string, any>, t: string | null) => (seen.push(t), unit.commands.task!.build(p, t)) };
    expect(checkAdapter(broken(unit, { commands: { ...unit.commands, task } }))).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(["CZ-ZL-CGJ"]));
    expect(checkAdapter(broken(unit, { commands: { ...unit.commands, task } }), { target: "SQ-X" })).toEqual([]);
    expect(seen.at(-1)).toBe("SQ-X");
  });

  it("a command that is not canonical, or names a contract that is not loaded", () => {
    const problems = checkAdapter(
      broken(hotline12345, { commands: { ...hotline12345.commands, sing: sign, reply: { ...hotline12345.commands.reply!, schema: "tongguan:hotline12345/replies" } } as never }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^hotline12345: command sing: not a canonical command/),
        'hotline12345: command reply: schema "tongguan:hotline12345/replies" is not a loaded contract',
        // its real contract is now named by nothing
        "hotline12345: contract tongguan:hotline12345/reply: named by no route or command of the spec (and $ref'd by none)",
      ]),
    );
  });

  it("spec basics: system, title, roles, basePath, routes, callers, settings, origin, simulator role", () => {
    const problems = checkAdapter(
      broken(hotline12345, {
        system: "Hotline-12345",
        title: " ",
        roles: [],
        basePath: "/hotline/",
        routes: [workOrder, { ...workOrder, summary: "", schema: "tongguan:nope" }],
        callers: [{ role: "hotline12345", label: "" }],
        settings: [{ env: "ext url", purpose: "apiKey", description: "", example: "" }],
      }),
    );
    const sys = "Hotline-12345";
    expect(problems).toEqual(
      expect.arrayContaining([
        `${sys}: system "Hotline-12345" must be a lowercase identifier (it names env variables and outbox rows)`,
        `${sys}: title is empty`,
        `${sys}: roles is empty`,
        `${sys}: basePath "/hotline/" must start with /v1/ and not end with /`,
        `${sys}: route POST /work-orders: declared twice`,
        `${sys}: route POST /work-orders: summary is empty`,
        `${sys}: route POST /work-orders: schema "tongguan:nope" is not a loaded contract`,
        `${sys}: caller "hotline12345": label is empty`,
        `${sys}: setting ext url: env must be UPPER_SNAKE_CASE (a per-target one with <ID>)`,
        `${sys}: setting ext url: description is empty`,
        `${sys}: setting ext url: example is empty`,
        `${sys}: settings need exactly one "url" setting (found 0)`,
        `${sys}: origin given but roles has no source`,
      ]),
    );
    expect(checkAdapter(broken(hotline12345, { origin: undefined, callers: [] }))).toEqual(
      expect.arrayContaining([
        "hotline12345: role source: origin needs a label and a noun",
        "hotline12345: callers is empty: who calls its routes?",
        'hotline12345: simulator role "hotline12345" is none of its callers\' roles ()',
      ]),
    );
  });

  it("a perTarget adapter needs a targetUrl setting with <ID>", () => {
    const settings = unit.settings.filter((s) => s.purpose !== "targetUrl");
    expect(checkAdapter(broken(unit, { settings }))).toEqual(['unit: perTarget: settings need a "targetUrl" setting whose env carries <ID>']);
    expect(checkAdapter(broken(unit, { perTarget: false }))).toEqual(expect.arrayContaining(['unit: a "targetUrl" setting but perTarget is not set']));
  });

  it("a via setting (folding a source into another) belongs to a source and names other systems", () => {
    const via = { env: "UNIT_VIA", purpose: "via" as const, description: "d", example: "x" };
    expect(checkAdapter(broken(unit, { settings: [...unit.settings, { ...via, values: ["hotline12345"] }] }))).toEqual([
      'unit: setting UNIT_VIA: only a source can be folded into another system ("via")',
    ]);
    expect(checkAdapter(broken(hotline12345, { settings: [...hotline12345.settings, { ...via, env: "H_VIA", values: ["hotline12345"] }] }))).toEqual([
      'hotline12345: setting H_VIA: a "via" setting needs values, each another system\'s name',
    ]);
  });

  it("finds the adapter's contracts by folder, so an unused one is reported", () => {
    expect(contractsOf(hotline12345)).toEqual(expect.arrayContaining(["tongguan:hotline12345/work-order", "tongguan:hotline12345/sign"]));
    expect(contractsOf(hotline12345).every((id) => id.startsWith("tongguan:hotline12345/"))).toBe(true);
    const problems = checkAdapter(broken(hotline12345, { routes: hotline12345.routes.filter((r) => r.kind !== "urge") }));
    expect(problems).toEqual(["hotline12345: contract tongguan:hotline12345/urge: named by no route or command of the spec (and $ref'd by none)"]);
  });
});

describe("checkInbound", () => {
  it("sends every route example through the fake hub without a problem", async () => {
    await expect(checkInbound(hotline12345)).resolves.toEqual([]);
    await expect(checkInbound(unit)).resolves.toEqual([]);
  });

  it("a handler that throws, makes no hub call, answers 500 or changes its body", async () => {
    const route = (handle: InboundRoute["handle"]): InboundRoute => ({ ...hotline12345.routes[1], handle });
    const problems = await checkInbound(
      broken(hotline12345, {
        routes: [
          { ...workOrder, handle: async (b) => ({ status: 202, body: { caseId: b.orderNo } }) },
          route(async (_b, p) => {
            throw new Error(`no order ${p.orderNo}`);
          }),
          { ...hotline12345.routes[2], handle: async (b, _p, hub) => (delete b.text, await hub.call("cases.urge", {}), { status: 500, body: {} }) },
        ],
      }),
    );
    expect(problems).toEqual([
      "hotline12345: route POST /work-orders: tongguan:hotline12345/work-order example 1: handle made no hub call",
      "hotline12345: route POST /work-orders: tongguan:hotline12345/work-order example 2: handle made no hub call",
      "hotline12345: route POST /work-orders/:orderNo/callback: tongguan:hotline12345/callback example 1: handle threw: no order X1",
      "hotline12345: route POST /work-orders/:orderNo/callback: tongguan:hotline12345/callback example 2: handle threw: no order X1",
      "hotline12345: route POST /work-orders/:orderNo/urge: tongguan:hotline12345/urge example 1: answered status 500, not 2xx",
      "hotline12345: route POST /work-orders/:orderNo/urge: tongguan:hotline12345/urge example 1: handle changed the body it was given",
      "hotline12345: route POST /work-orders/:orderNo/urge: tongguan:hotline12345/urge example 2: answered status 500, not 2xx",
      "hotline12345: route POST /work-orders/:orderNo/urge: tongguan:hotline12345/urge example 2: handle changed the body it was given",
    ]);
  });

  it("fills path parameters from the route path", () => {
    expect(pathParams("/:unitId/tasks/:taskId/accept")).toEqual({ unitId: "CZ-ZL-CGJ", taskId: "TK1" });
    expect(pathParams("/work-orders/:orderNo/urge")).toEqual({ orderNo: "X1" });
    expect(pathParams("/:unitId/notices/:noticeId", { target: "SQ-1", params: { noticeId: "NT-9" } })).toEqual({ unitId: "SQ-1", noticeId: "NT-9" });
  });
});

describe("fakeHub", () => {
  it("records calls and answers plausibly by default", async () => {
    const hub = fakeHub();
    await expect(hub.call("cases.open", { draft: {} })).resolves.toEqual({ caseId: expect.any(String), duplicate: false });
    await expect(hub.call("cases.urge", { externalId: "X1" })).resolves.toEqual({ caseId: expect.any(String), status: expect.any(String) });
    expect(hub.calls.map((c) => c.action)).toEqual(["cases.open", "cases.urge"]);
  });

  it("answers from a function, and a throw becomes a rejection", async () => {
    const err = new Error("非法状态");
    const hub = fakeHub((action) => {
      if (action === "cases.bad") throw err;
      return { caseId: "TG9", status: "DONE" };
    });
    await expect(hub.call("cases.ok")).resolves.toEqual({ caseId: "TG9", status: "DONE" });
    await expect(hub.call("cases.bad")).rejects.toBe(err);
    expect(hub.calls).toHaveLength(2);
  });
});

describe("checkSimulator", () => {
  it("starts and stops the registered simulators", async () => {
    await expect(checkSimulator(hotline12345)).resolves.toEqual([]);
    await expect(checkSimulator(unit)).resolves.toEqual([]);
  });

  it("reports a simulator that cannot start", async () => {
    const spec = broken(unit, {
      simulator: {
        role: "units",
        create: () => ({ url: "", start: async () => Promise.reject(new Error("EADDRINUSE")), stop: async () => {}, setHub: () => {} }),
      },
    });
    await expect(checkSimulator(spec)).resolves.toEqual(["unit: simulator: start(0) threw: EADDRINUSE"]);
  });
});
