// name: policy_tasks
// title: 政策的任务
// description: A policy's tasks in document order, each with its leading, participating and responsible agencies.
// param policy: policy = 济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)
// param limit: int ?= 500
// param offset: int ?= 0
// returns: task_path, task_title, leads, participants, responsible
MATCH (p:Policy {key: $policy})-[:`包含`*1..12]->(t:Task)
OPTIONAL MATCH (a:Agency)-[r:`牵头`|`参加`|`负责`]->(t)
WITH t,
     collect(CASE WHEN r.role = '牵头' THEN a.name END) AS leads,
     collect(CASE WHEN r.role = '参加' THEN a.name END) AS participants,
     collect(CASE WHEN r.role = '负责' THEN a.name END) AS responsible
RETURN t.path AS task_path, t.title AS task_title, leads, participants, responsible
ORDER BY t.sort_key
SKIP $offset
LIMIT $limit
