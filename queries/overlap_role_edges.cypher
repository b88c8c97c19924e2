// name: overlap_role_edges
// title: 机构—任务职责边
// description: Every role edge (牵头/参加/负责) of an agency on a task, with the agency's level and the policy's date, region and level: the rows the overlap networks are built from. Filtered by policy (key, title or 文号), region and role; empty = all.
// param policy: policy ?=
// param region: string ?=
// param role: string ?=
// returns: agency, agency_level, agency_region, role, task, task_path, task_title, policy, policy_title, policy_date, policy_region, policy_level, source, char_start, char_end, mention, evidence
// when: policy
MATCH (p:Policy {key: $policy})-[:`包含`*1..12]->(t:Task)<-[r:`牵头`|`参加`|`负责`]-(a:Agency)
WHERE ($region = '' OR p.region = $region) AND ($role = '' OR r.role = $role)
RETURN a.name AS agency, a.level AS agency_level, a.region AS agency_region, r.role AS role, t.key AS task,
       t.path AS task_path, t.title AS task_title, p.key AS policy, p.title AS policy_title, p.date AS policy_date,
       p.region AS policy_region, p.level AS policy_level, p.source AS source, r.char_start AS char_start,
       r.char_end AS char_end, r.mention AS mention, r.evidence AS evidence
ORDER BY policy, t.sort_key, task, agency, role, char_start
// otherwise
MATCH (a:Agency)-[r:`牵头`|`参加`|`负责`]->(t:Task)
WHERE $role = '' OR r.role = $role
MATCH (p:Policy)
WHERE p.key = t.policy AND ($region = '' OR p.region = $region)
RETURN a.name AS agency, a.level AS agency_level, a.region AS agency_region, r.role AS role, t.key AS task,
       t.path AS task_path, t.title AS task_title, p.key AS policy, p.title AS policy_title, p.date AS policy_date,
       p.region AS policy_region, p.level AS policy_level, p.source AS source, r.char_start AS char_start,
       r.char_end AS char_end, r.mention AS mention, r.evidence AS evidence
ORDER BY policy, t.sort_key, task, agency, role, char_start
