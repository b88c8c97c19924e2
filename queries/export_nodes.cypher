// name: export_nodes
// title: 全部节点（导出）
// description: Every node of the model (every one has a key) with all its properties (as a map with its label), for exporting the whole graph.
// returns: node
MATCH (n)
WHERE n.key IS NOT NULL
RETURN n AS node
ORDER BY n.key
