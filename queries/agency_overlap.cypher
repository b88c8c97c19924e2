// name: agency_overlap
// title: 与某机构职责交叉的机构
// description: Agencies that share tasks with an agency, with the number of shared tasks and the other agency's roles in them.
// param agency: agency = 山东省知识产权局
// param limit: int ?= 50
// param offset: int ?= 0
// returns: agency, shared_tasks, as_lead, as_participant, as_responsible
MATCH (a:Agency)-[:`牵头`|`参加`|`负责`]->(t:Task)<-[r:`牵头`|`参加`|`负责`]-(b:Agency)
WHERE a.key = $agency AND a <> b
RETURN b.name AS agency, count(DISTINCT t.key) AS shared_tasks,
       sum(CASE WHEN r.role = '牵头' THEN 1 ELSE 0 END) AS as_lead,
       sum(CASE WHEN r.role = '参加' THEN 1 ELSE 0 END) AS as_participant,
       sum(CASE WHEN r.role = '负责' THEN 1 ELSE 0 END) AS as_responsible
ORDER BY shared_tasks DESC, agency
SKIP $offset
LIMIT $limit
