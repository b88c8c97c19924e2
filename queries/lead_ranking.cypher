// name: lead_ranking
// title: 牵头任务最多的机构
// description: Agencies ranked by the number of tasks they lead, with their participation and responsibility counts.
// param limit: int ?= 20
// param offset: int ?= 0
// returns: agency, leads, participates, responsible
MATCH (a:Agency)
// degrees, not a walk over every role relationship: Neo4j reads them from the node's degree counts,
// ladybug from its adjacency lists, so the cost follows the number of agencies, not of assignments
// (a role relationship always ends at a Task: graph/model.py REL_ENDPOINTS)
WITH a,
     COUNT { MATCH (a)-[:`牵头`]->() } AS leads,
     COUNT { MATCH (a)-[:`参加`]->() } AS participates,
     COUNT { MATCH (a)-[:`负责`]->() } AS responsible
WHERE leads + participates + responsible > 0
RETURN a.name AS agency, leads, participates, responsible
ORDER BY leads DESC, participates DESC, agency
SKIP $offset
LIMIT $limit
