// name: basis_down
// title: 依据链（向下）
// description: The policies that rest on a policy (依据), transitively down to a depth. Rows as basis_up's.
// param policy: policy = 知识产权强国建设纲要(2021-2035年)
// param depth: int ?= 5
// param limit: int ?= 200
// param offset: int ?= 0
// returns: key, policy, depth, ingested, region
MATCH path = (s:Policy {key: $policy})<-[:`依据`*1..10]-(d:Policy)
WHERE length(path) <= $depth
RETURN d.key AS key, d.title AS policy, min(length(path)) AS depth, d.ingested AS ingested, d.region AS region
ORDER BY depth, policy
SKIP $offset
LIMIT $limit
