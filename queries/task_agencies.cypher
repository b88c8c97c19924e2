// name: task_agencies
// title: 任务的牵头、参加、负责单位
// description: Who leads, takes part in and is responsible for one task (policy by key or title, and the task path).
// param policy: policy = 济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)
// param path: string = 三.(一)
// key task: policy, path
// returns: role, agency, mention, evidence, rule, lead_rule_start, lead_rule_end
MATCH (t:Task {key: $task})<-[r:`牵头`|`参加`|`负责`]-(a:Agency)
RETURN r.role AS role, a.name AS agency, r.mention AS mention, r.evidence AS evidence, r.rule AS rule,
       r.lead_rule_start AS lead_rule_start, r.lead_rule_end AS lead_rule_end
ORDER BY role, agency
