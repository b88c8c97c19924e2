// name: overlap_matrix
// title: 机构职责交叉矩阵
// description: Pairs of agencies and how many tasks they share, within one policy (key or title) or a region's policies; empty = all.
// param policy: policy ?=
// param region: region ?=
// param limit: int ?= 500
// param offset: int ?= 0
// returns: agency_a, agency_b, shared_tasks
// when: policy
MATCH (p:Policy {key: $policy})-[:`包含`*1..12]->(t:Task)
WHERE $region = '' OR p.region = $region
MATCH (a:Agency)-[:`牵头`|`参加`|`负责`]->(t)<-[:`牵头`|`参加`|`负责`]-(b:Agency)
WHERE a.key < b.key
RETURN a.name AS agency_a, b.name AS agency_b, count(DISTINCT t.key) AS shared_tasks
ORDER BY shared_tasks DESC, agency_a, agency_b
SKIP $offset
LIMIT $limit
// when: region
MATCH (p:Policy)
WHERE p.region = $region
MATCH (p)-[:`包含`*1..12]->(t:Task)
MATCH (a:Agency)-[:`牵头`|`参加`|`负责`]->(t)<-[:`牵头`|`参加`|`负责`]-(b:Agency)
WHERE a.key < b.key
RETURN a.name AS agency_a, b.name AS agency_b, count(DISTINCT t.key) AS shared_tasks
ORDER BY shared_tasks DESC, agency_a, agency_b
SKIP $offset
LIMIT $limit
// otherwise
MATCH (a:Agency)-[s:`共担`]->(b:Agency)
WHERE s.tasks > 0 AND a.key < b.key
RETURN a.name AS agency_a, b.name AS agency_b, s.tasks AS shared_tasks
ORDER BY shared_tasks DESC, agency_a, agency_b
SKIP $offset
LIMIT $limit
