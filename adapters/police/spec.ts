/**
 * 公安交警 (traffic police) as a bureau (kit/bureau.ts): joint-punishment notices about vehicles'
 * passes (通行证) in the police's own format, receipts and feedback back; and the cases routed to
 * police units (units.json `adapter: "police"`) as 警情工单, with 签收/办结/延期/退回 back. The wire
 * is the mapping's `WIRE` (kit/bureau-wire.ts); here the titles and summaries.
 */
import type { AdapterSpec } from "../../kit/adapter";
import { bureauAdapter } from "../../kit/bureau-wire";
import { readFeedback, toPoliceNotice, toPoliceTask, WIRE } from "./mapping";
import { createPoliceSimulator } from "./simulator";

export const police: AdapterSpec = bureauAdapter(WIRE, {
  title: "公安交警",
  callerLabel: "公安交警联合惩戒接口",
  urlExample: "https://jjzd.example.gov.cn/lhcj",
  receipt: "抄告单签收：公安交警签收通行证抄告单或撤销抄告 / the police sign for a notice",
  feedback: {
    summary: "措施落实情况：逐车反馈通行证收回/注销/解除结果及其他措施 / the police report per vehicle what was done",
    needs: [{ fields: ["clmx", "qtcs", "fkqk"], zh: "至少需要车辆处置结果、其他措施或反馈情况之一", en: "vehicle results, other measures or a summary are needed" }],
    read: readFeedback,
  },
  notice: { summary: "通行证抄告单：逐车收回/注销通行证，撤销抄告时解除限制 / per-vehicle pass measures", build: toPoliceNotice },
  receiptRequest: "催签收/催反馈 / remind the police of a due receipt or feedback",
  cases: {
    task: { summary: "派发警情工单：承办单位代码、辖区大队、涉及号牌 / a case to a police unit", build: toPoliceTask },
    urge: "工单预警/催办/督办 / urge or supervise a police unit",
    recall: "工单撤回 / recall a 工单 (the case moved elsewhere)",
    accept: "工单签收：公安承办单位签收警情工单 / a police unit signs for its 工单",
    result: "工单办结：办结结果、办结情况及处罚情况 / a police unit reports the result",
    extension: "工单延期申请 / a police unit asks for more time",
    refuse: "工单退回：非本单位职责 / a police unit refuses the 工单",
  },
  simulator: createPoliceSimulator,
});
