// name: export_relationships
// title: 全部关系（导出）
// description: Every relationship of the documents (each carries its provenance `doc`; derived ones such as 共担 do not) with its properties and both end nodes (maps with their labels), for exporting the whole graph.
// returns: source, rel, target
MATCH (a)-[r]->(b)
WHERE a.key IS NOT NULL AND b.key IS NOT NULL AND r.doc IS NOT NULL
RETURN a AS source, r AS rel, b AS target
ORDER BY a.key, b.key, r.doc, r.char_start
