// name: tasks_without_lead
// title: 没有牵头单位的任务
// description: Tasks that have responsible or participating agencies but no lead (牵头).
// param policy: string ?=
// returns: policy, task_path, task_title, agencies
MATCH (a:Agency)-[:`参加`|`负责`]->(t:Task)
WHERE ($policy = '' OR t.policy = $policy) AND NOT EXISTS { MATCH (t)<-[:`牵头`]-(:Agency) }
RETURN t.policy AS policy, t.path AS task_path, t.title AS task_title, count(DISTINCT a.key) AS agencies
ORDER BY policy, task_path
