// name: document_marks
// title: 文件标注
// description: A stored document's marked spans in its clean text, for the document view: tasks (label = numbering path, with their text), role mentions (牵头/参加/负责, detail = canonical agency) and citations (依据/引用, detail = cited title). By policy key, title or file name.
// param doc: document = 济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)
// returns: kind, label, char_start, char_end, detail
MATCH (p:Policy {key: $doc})-[:`包含`*1..12]->(t:Task)
RETURN 'task' AS kind, t.path AS label, t.char_start AS char_start, t.char_end AS char_end, t.text AS detail
UNION ALL
MATCH (p:Policy {key: $doc})-[:`包含`*1..12]->(t:Task)<-[r:`牵头`|`参加`|`负责`]-(a:Agency)
RETURN 'role' AS kind, r.role AS label, r.char_start AS char_start, r.char_end AS char_end, a.name AS detail
UNION ALL
MATCH (p:Policy {key: $doc})-[c:`依据`]->(q:Policy)
RETURN 'citation' AS kind, '依据' AS label, c.char_start AS char_start, c.char_end AS char_end, q.title AS detail
UNION ALL
MATCH (p:Policy {key: $doc})-[c:`引用`]->(q:Policy)
RETURN 'citation' AS kind, '引用' AS label, c.char_start AS char_start, c.char_end AS char_end, q.title AS detail
