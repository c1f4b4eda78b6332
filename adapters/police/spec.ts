/**
 * 公安交警 (traffic police) as a bureau (kit/bureau.ts): joint-punishment notices about vehicles'
 * passes (通行证) in the police's own format, receipts and feedback back.
 */
import type { PoliceFeedback, PoliceReceipt } from "../../contracts/types";
import type { AdapterSpec } from "../../kit/adapter";
import { bureauSpec } from "../../kit/bureau";
import { readFeedback, readReceipt, SCHEMA, SYSTEM, toPoliceNotice, toPoliceReminder } from "./mapping";
import { createPoliceSimulator } from "./simulator";

export const police: AdapterSpec = bureauSpec<PoliceReceipt, PoliceFeedback>({
  system: SYSTEM,
  title: "公安交警",
  bureau: "police",
  callerLabel: "公安交警联合惩戒接口",
  urlExample: "https://jjzd.example.gov.cn/lhcj",
  receipt: { schema: SCHEMA.receipt, summary: "抄告单签收：公安交警签收通行证抄告单或撤销抄告 / the police sign for a notice", read: readReceipt },
  feedback: {
    schema: SCHEMA.feedback,
    summary: "措施落实情况：逐车反馈通行证收回/注销/解除结果及其他措施 / the police report per vehicle what was done",
    needs: [{ fields: ["clmx", "qtcs", "fkqk"], zh: "至少需要车辆处置结果、其他措施或反馈情况之一", en: "vehicle results, other measures or a summary are needed" }],
    read: readFeedback,
  },
  notice: { schema: SCHEMA.notice, summary: "通行证抄告单：逐车收回/注销通行证，撤销抄告时解除限制 / per-vehicle pass measures", build: toPoliceNotice },
  receiptRequest: { schema: SCHEMA.reminder, summary: "催签收/催反馈 / remind the police of a due receipt or feedback", build: toPoliceReminder },
  simulator: (s, log) => createPoliceSimulator({ receiptDelayMs: s.unitAcceptMs, feedbackDelayMs: s.unitWorkMs, log }),
});
