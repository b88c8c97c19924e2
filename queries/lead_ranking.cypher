// name: lead_ranking
// title: 牵头任务最多的机构
// description: Agencies ranked by the number of tasks they lead, with their participation and responsibility counts.
// param limit: int ?= 20
// param offset: int ?= 0
// returns: agency, leads, participates, responsible
MATCH (a:Agency)-[r:`牵头`|`参加`|`负责`]->(t:Task)
RETURN a.name AS agency,
       sum(CASE WHEN r.role = '牵头' THEN 1 ELSE 0 END) AS leads,
       sum(CASE WHEN r.role = '参加' THEN 1 ELSE 0 END) AS participates,
       sum(CASE WHEN r.role = '负责' THEN 1 ELSE 0 END) AS responsible
ORDER BY leads DESC, participates DESC, agency
SKIP $offset
LIMIT $limit
