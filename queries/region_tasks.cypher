// name: region_tasks
// title: 涉及某地区的任务
// description: Tasks whose text names a region.
// param region: string = 黄河流域
// returns: policy, task_path, task_title
MATCH (t:Task)-[:`涉及`]->(r:Region)
WHERE r.key = $region
MATCH (p:Policy)
WHERE p.key = t.policy
RETURN p.title AS policy, t.path AS task_path, t.title AS task_title
ORDER BY policy, task_path
