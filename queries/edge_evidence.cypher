// name: edge_evidence
// title: 职责关系的证据
// description: The evidence of an agency's responsibility edges (document, character span, sentence), optionally for one task path.
// param agency: agency = 山东省知识产权局
// param path: string ?=
// param limit: int ?= 500
// param offset: int ?= 0
// returns: role, policy, task_path, doc, char_start, char_end, mention, evidence, rule, lead_rule_start, lead_rule_end
MATCH (a:Agency {key: $agency})-[r:`牵头`|`参加`|`负责`]->(t:Task)
WHERE $path = '' OR t.path = $path
RETURN r.role AS role, t.policy AS policy, t.path AS task_path, r.doc AS doc, r.char_start AS char_start, r.char_end AS char_end,
       r.mention AS mention, r.evidence AS evidence, r.rule AS rule, r.lead_rule_start AS lead_rule_start,
       r.lead_rule_end AS lead_rule_end
ORDER BY policy, t.sort_key, char_start
SKIP $offset
LIMIT $limit
