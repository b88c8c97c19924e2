// name: basis_down
// title: 依据链（向下）
// description: The policies that rest on a policy (依据), transitively down to a depth.
// param policy: string = 知识产权强国建设纲要(2021-2035年)
// param depth: int ?= 5
// returns: policy, depth, region
MATCH path = (d:Policy)-[:`依据`*1..10]->(s:Policy)
WHERE (s.key = $policy OR s.title = $policy) AND length(path) <= $depth
RETURN d.title AS policy, min(length(path)) AS depth, d.region AS region
ORDER BY depth, policy
