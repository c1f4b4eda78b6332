/**
 * Hand-off: in memory to a delivery service in this process, else on the bus in messages of at
 * most HANDOFF_MAX (a recovery pass of a backlog claims up to 1,000 at once).
 */
import type { ServiceBroker } from "moleculer";
import type { OutboundCommand } from "../kit/adapter";
import { HANDOFF_MAX, OUTBOUND_CHANNEL, handOff, type HandOffBatch } from "./handoff";

const cmd = (i: number): OutboundCommand => ({
  id: `OB-${i}`,
  subject: { type: "notice", id: `NT-${i}` },
  system: "police",
  target: null,
  kind: "notice",
  payload: {},
  idempotencyKey: `tongguan-OB-${i}`,
  attempts: 1,
});

function brokerWith(local?: { deliverAll(c: OutboundCommand[]): void }) {
  const sent: Array<{ channel: string; payload: HandOffBatch }> = [];
  const broker = {
    getLocalService: (name: string) => (name === "delivery" ? local : undefined),
    sendToChannel: async (channel: string, payload: HandOffBatch) => {
      sent.push({ channel, payload });
    },
    logger: { warn: () => undefined },
  } as unknown as ServiceBroker;
  return { broker, sent };
}

describe("handOff", () => {
  it("gives a pass of 1,000 to the bus in messages of at most HANDOFF_MAX, every message once and in order", () => {
    const { broker, sent } = brokerWith();
    const cmds = Array.from({ length: 1000 }, (_, i) => cmd(i));
    handOff(broker, cmds);
    expect(sent.length).toBe(Math.ceil(1000 / HANDOFF_MAX));
    expect(sent.every((s) => s.channel === OUTBOUND_CHANNEL && s.payload.batch.length <= HANDOFF_MAX)).toBe(true);
    expect(sent.flatMap((s) => s.payload.batch.map((c) => c.id))).toEqual(cmds.map((c) => c.id));
  });

  it("hands a change's few messages over as one bus message", () => {
    const { broker, sent } = brokerWith();
    handOff(broker, [cmd(1), cmd(2)]);
    expect(sent.map((s) => s.payload.batch.length)).toEqual([2]);
  });

  it("hands everything to a delivery service in this process at once, without the bus", () => {
    const got: OutboundCommand[][] = [];
    const { broker, sent } = brokerWith({ deliverAll: (c) => got.push(c) });
    handOff(
      broker,
      Array.from({ length: 450 }, (_, i) => cmd(i)),
    );
    expect(got.map((g) => g.length)).toEqual([450]);
    expect(sent).toEqual([]);
  });
});
