// name: export_relationships
// title: 全部关系（导出）
// description: Every relationship with its properties and both end nodes (maps with their labels), for exporting the whole graph.
// returns: source, rel, target
MATCH (a)-[r]->(b)
WHERE a.key IS NOT NULL AND b.key IS NOT NULL
RETURN a AS source, r AS rel, b AS target
ORDER BY a.key, b.key, r.doc, r.char_start
