// name: agency_tasks
// title: 机构的任务
// description: An agency's tasks by role across all documents; the agency by canonical name or any alias.
// param agency: agency = 山东省知识产权局
// param role: role ?=
// param limit: int ?= 200
// param offset: int ?= 0
// returns: agency, role, task_path, task_title, policy
MATCH (a:Agency {key: $agency})-[r:`牵头`|`参加`|`负责`]->(t:Task)
WHERE $role = '' OR r.role = $role
MATCH (p:Policy)
WHERE p.key = t.policy
RETURN a.name AS agency, r.role AS role, t.path AS task_path, t.title AS task_title, p.title AS policy
ORDER BY policy, t.sort_key, role
SKIP $offset
LIMIT $limit
