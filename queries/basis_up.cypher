// name: basis_up
// title: 依据链（向上）
// description: The policies a policy rests on (依据), transitively up to a depth; cited-only policies are marked ingested = false.
// param policy: string = 济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)
// param depth: int ?= 5
// returns: policy, depth, ingested
MATCH path = (s:Policy)-[:`依据`*1..10]->(b:Policy)
WHERE (s.key = $policy OR s.title = $policy) AND length(path) <= $depth
RETURN b.title AS policy, min(length(path)) AS depth, b.ingested AS ingested
ORDER BY depth, policy
