// name: region_tasks
// title: 涉及某地区的任务
// description: Tasks whose text names a region.
// param region: region = 黄河流域
// param limit: int ?= 500
// param offset: int ?= 0
// returns: policy, task_path, task_title
MATCH (r:Region {key: $region})<-[:`涉及`]-(t:Task)
MATCH (p:Policy)
WHERE p.key = t.policy
RETURN p.title AS policy, t.path AS task_path, t.title AS task_title
ORDER BY policy, t.sort_key
SKIP $offset
LIMIT $limit
