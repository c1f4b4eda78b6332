/**
 * Hand-off: the messages a change wrote already claimed go to delivery right after commit. When
 * delivery runs in this process they are handed over in memory (no bus, no serialising); when it
 * runs elsewhere they go on the `tg.outbound` channel (JetStream in production) as ONE message
 * per change (a batch; a larger recovery pass in parts of HANDOFF_MAX), published without waiting for it. Either way the row is leased in the store: if the hand-off or the
 * delivering node fails, the lease runs out and the outbox service sends it again.
 */
import type { ServiceBroker } from "moleculer";
import type { OutboundCommand } from "../kit/adapter";

export const OUTBOUND_CHANNEL = "tg.outbound";

/** What travels on the channel: the messages one change (or one recovery pass) handed off. */
export interface HandOffBatch {
  batch: OutboundCommand[];
}

interface LocalDelivery {
  deliverAll(cmds: OutboundCommand[]): void;
}

/** Messages per bus message: a recovery pass of a backlog goes out in several (well under NATS's 1 MB each). */
export const HANDOFF_MAX = 200;

export function handOff(broker: ServiceBroker, cmds: OutboundCommand[]): void {
  if (!cmds.length) return;
  const local = broker.getLocalService("delivery") as unknown as LocalDelivery | undefined;
  if (local?.deliverAll) {
    local.deliverAll(cmds);
    return;
  }
  const send = (broker as unknown as { sendToChannel(n: string, p: HandOffBatch): Promise<void> }).sendToChannel.bind(broker);
  for (let i = 0; i < cmds.length; i += HANDOFF_MAX) {
    const part = cmds.slice(i, i + HANDOFF_MAX);
    send(OUTBOUND_CHANNEL, { batch: part }).catch((e: Error) =>
      broker.logger.warn(`outbox ${part.map((c) => c.id).join(", ")}: the bus refused the hand-off; the leases will send them again: ${e.message}`),
    );
  }
}
