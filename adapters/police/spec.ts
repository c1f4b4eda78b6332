/**
 * 公安交警 (traffic police) as a bureau (kit/bureau.ts): joint-punishment notices about vehicles'
 * passes (通行证) in the police's own format, receipts and feedback back; and the cases routed to
 * police units (units.json `adapter: "police"`) as 警情工单, with 签收/办结/延期/退回 back.
 */
import type { PoliceFeedback, PoliceReceipt } from "../../contracts/types";
import type { AdapterSpec } from "../../kit/adapter";
import { bureauSpec } from "../../kit/bureau";
import {
  CASE_HUB,
  CASE_SCHEMA,
  readCaseAccept,
  readCaseExtension,
  readCaseRefuse,
  readCaseResult,
  readFeedback,
  readReceipt,
  SCHEMA,
  SYSTEM,
  toPoliceNotice,
  toPoliceRecall,
  toPoliceReminder,
  toPoliceTask,
  toPoliceUrge,
} from "./mapping";
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
  cases: {
    hub: CASE_HUB,
    task: { schema: CASE_SCHEMA.task, summary: "派发警情工单：承办单位代码、辖区大队、涉及号牌 / a case to a police unit", build: toPoliceTask },
    urge: { schema: CASE_SCHEMA.urge, summary: "工单预警/催办/督办 / urge or supervise a police unit", build: toPoliceUrge },
    recall: { schema: CASE_SCHEMA.recall, summary: "工单撤回 / recall a 工单 (the case moved elsewhere)", build: toPoliceRecall },
    accept: { schema: CASE_SCHEMA.accept, summary: "工单签收：公安承办单位签收警情工单 / a police unit signs for its 工单", read: readCaseAccept },
    result: { schema: CASE_SCHEMA.result, summary: "工单办结：办结结果、办结情况及处罚情况 / a police unit reports the result", read: readCaseResult },
    extension: { schema: CASE_SCHEMA.extension, summary: "工单延期申请 / a police unit asks for more time", read: readCaseExtension },
    refuse: { schema: CASE_SCHEMA.refuse, summary: "工单退回：非本单位职责 / a police unit refuses the 工单", read: readCaseRefuse },
  },
  simulator: (s, log) => createPoliceSimulator({ receiptDelayMs: s.unitAcceptMs, feedbackDelayMs: s.unitWorkMs, log }),
});
