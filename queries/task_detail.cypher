// name: task_detail
// title: 任务详情
// description: One task (policy by key, title or 文号, and the numbering path): title, full text, its span in the document and its parent task.
// param policy: policy = 济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)
// param path: string = 三.(三).1
// key task: policy, path
// returns: policy, task_path, task_title, text, doc, char_start, char_end, parent_path
MATCH (t:Task {key: $task})
MATCH (p:Policy {key: $policy})
OPTIONAL MATCH (u:Task)-[:`包含`]->(t)
RETURN p.title AS policy, t.path AS task_path, t.title AS task_title, t.text AS text, t.doc AS doc,
       t.char_start AS char_start, t.char_end AS char_end, u.path AS parent_path
