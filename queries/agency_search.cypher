// name: agency_search
// title: 机构检索
// description: Agencies whose canonical name or any alias contains a keyword (all agencies when empty), with their number of assignments.
// param q: string ?=
// param limit: int ?= 100
// param offset: int ?= 0
// returns: agency, level, region, aliases, assignments
WITH $q AS needle
MATCH (a:Agency)
WHERE needle = '' OR a.key CONTAINS needle OR any(x IN a.aliases WHERE x CONTAINS needle)
RETURN a.name AS agency, a.level AS level, a.region AS region, a.aliases AS aliases,
       COUNT { MATCH (a)-[:`牵头`|`参加`|`负责`]->() } AS assignments
ORDER BY assignments DESC, agency
SKIP $offset
LIMIT $limit
