// name: basis_up
// title: 依据链（向上）
// description: The policies a policy rests on (依据), transitively up to a depth; cited-only policies are marked ingested = false. Rows as basis_down's.
// param policy: policy = 济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)
// param depth: int ?= 5
// param limit: int ?= 200
// param offset: int ?= 0
// returns: key, policy, depth, ingested, region
MATCH path = (s:Policy {key: $policy})-[:`依据`*1..10]->(b:Policy)
WHERE length(path) <= $depth
RETURN b.key AS key, b.title AS policy, min(length(path)) AS depth, b.ingested AS ingested, b.region AS region
ORDER BY depth, policy
SKIP $offset
LIMIT $limit
