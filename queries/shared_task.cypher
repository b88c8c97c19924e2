// name: shared_task
// title: 两机构共同承担的任务
// description: The first task (by key) on which two agencies (by key) both hold a role: the step from one agency to the next in shortest_connection.
// param source: string = 中共山东省委机构编制委员会办公室
// param target: string = 山东省公安厅
// returns: task
MATCH (a:Agency {key: $source})-[:`牵头`|`参加`|`负责`]->(t:Task)<-[:`牵头`|`参加`|`负责`]-(b:Agency {key: $target})
RETURN min(t.key) AS task
