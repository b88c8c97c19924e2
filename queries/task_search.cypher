// name: task_search
// title: 任务关键词检索
// description: Tasks whose title or text contains a keyword.
// param q: string = 质押融资
// param limit: int ?= 100
// param offset: int ?= 0
// returns: policy, task_path, task_title
MATCH (t:Task)
WHERE t.title CONTAINS $q OR t.text CONTAINS $q
MATCH (p:Policy)
WHERE p.key = t.policy
RETURN p.title AS policy, t.path AS task_path, t.title AS task_title
ORDER BY policy, t.sort_key
SKIP $offset
LIMIT $limit
