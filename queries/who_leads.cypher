// name: who_leads
// title: 谁牵头什么
// description: Lead (牵头) assignments: which agency leads which task of which policy. Empty policy = all.
// param policy: policy ?=
// param limit: int ?= 50
// param offset: int ?= 0
// returns: agency, task_path, task_title, policy
// when: policy
MATCH (p:Policy {key: $policy})-[:`包含`*1..12]->(t:Task)<-[:`牵头`]-(a:Agency)
RETURN a.name AS agency, t.path AS task_path, t.title AS task_title, p.title AS policy
ORDER BY policy, t.sort_key, agency
SKIP $offset
LIMIT $limit
// when: engine=neo4j
// policies in title order from the index (the hint keeps that plan on a small graph too), each one's leads sorted among themselves: a page stops early
MATCH (p:Policy)
USING INDEX p:Policy(title)
WHERE p.title IS NOT NULL AND p.ingested = true
MATCH (p)-[:`包含`*1..12]->(t:Task)<-[:`牵头`]-(a:Agency)
RETURN a.name AS agency, t.path AS task_path, t.title AS task_title, p.title AS policy
ORDER BY policy, t.sort_key, agency
SKIP $offset
LIMIT $limit
// otherwise
MATCH (a:Agency)-[:`牵头`]->(t:Task)
MATCH (p:Policy)
WHERE p.key = t.policy
RETURN a.name AS agency, t.path AS task_path, t.title AS task_title, p.title AS policy
ORDER BY policy, t.sort_key, agency
SKIP $offset
LIMIT $limit
