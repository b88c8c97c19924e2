// name: shortest_connection
// title: 两机构之间的最短联系
// description: The shortest chain of shared tasks between two agencies (agency, task, agency, ...), in path order.
// param source: agency = 省编办
// param target: agency = 省公安厅
// param limit: int ?= 100
// param offset: int ?= 0
// returns: node, hops
MATCH (a:Agency), (b:Agency)
WHERE a.key = $source AND b.key = $target
MATCH p = shortestPath((a)-[:`牵头`|`参加`|`负责`*..8]-(b))
UNWIND nodes(p) AS n
RETURN n.key AS node, length(p) AS hops
SKIP $offset
LIMIT $limit
