// name: tasks_without_lead
// title: 没有牵头单位的任务
// description: Tasks that have responsible or participating agencies but no lead (牵头).
// param policy: policy ?=
// param limit: int ?= 500
// param offset: int ?= 0
// returns: policy, task_path, task_title, agencies
// when: policy
MATCH (p:Policy {key: $policy})-[:`包含`*1..12]->(t:Task)<-[:`参加`|`负责`]-(a:Agency)
WHERE NOT EXISTS { MATCH (t)<-[:`牵头`]-(:Agency) }
WITH t.policy AS policy, t.path AS task_path, t.title AS task_title, t.sort_key AS sort_key, count(DISTINCT a.key) AS agencies
RETURN policy, task_path, task_title, agencies
ORDER BY policy, sort_key
SKIP $offset
LIMIT $limit
// when: engine=neo4j
// policies in key order from the index (the hint keeps that plan on a small graph too), each one's tasks sorted among themselves: a page stops early
MATCH (p:Policy)
USING INDEX p:Policy(key)
WHERE p.key IS NOT NULL AND p.ingested = true
MATCH (p)-[:`包含`*1..12]->(t:Task)<-[:`参加`|`负责`]-(a:Agency)
WHERE NOT EXISTS { MATCH (t)<-[:`牵头`]-(:Agency) }
WITH p.key AS policy, t.path AS task_path, t.title AS task_title, t.sort_key AS sort_key, count(DISTINCT a.key) AS agencies
RETURN policy, task_path, task_title, agencies
ORDER BY policy, sort_key
SKIP $offset
LIMIT $limit
// otherwise
MATCH (a:Agency)-[:`参加`|`负责`]->(t:Task)
WHERE NOT EXISTS { MATCH (t)<-[:`牵头`]-(:Agency) }
WITH t.policy AS policy, t.path AS task_path, t.title AS task_title, t.sort_key AS sort_key, count(DISTINCT a.key) AS agencies
RETURN policy, task_path, task_title, agencies
ORDER BY policy, sort_key
SKIP $offset
LIMIT $limit
