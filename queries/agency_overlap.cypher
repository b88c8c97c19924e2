// name: agency_overlap
// title: 与某机构职责交叉的机构
// description: Agencies that share tasks with an agency, with the number of shared tasks and the other agency's roles in them.
// param agency: agency = 山东省知识产权局
// param limit: int ?= 50
// param offset: int ?= 0
// returns: agency, shared_tasks, as_lead, as_participant, as_responsible
MATCH (a:Agency {key: $agency})-[s:`共担`]->(b:Agency)
RETURN b.name AS agency, s.tasks AS shared_tasks, s.lead AS as_lead, s.participate AS as_participant,
       s.responsible AS as_responsible
ORDER BY shared_tasks DESC, agency
SKIP $offset
LIMIT $limit
