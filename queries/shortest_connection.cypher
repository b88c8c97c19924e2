// name: shortest_connection
// title: 两机构之间的最短联系
// description: The shortest chain of shared tasks between two agencies (agency, task, agency, ...), in path order: the agencies found over the derived `共担` relationships, each step's task (the first by key) by template shared_task.
// param source: agency = 省编办
// param target: agency = 省公安厅
// param limit: int ?= 100
// param offset: int ?= 0
// returns: node, hops
MATCH (a:Agency {key: $source}), (b:Agency {key: $target})
MATCH p = shortestPath((a)-[:`共担`*..4]-(b))
UNWIND nodes(p) AS n
RETURN n.key AS node, 2 * length(p) AS hops
SKIP $offset
LIMIT $limit
