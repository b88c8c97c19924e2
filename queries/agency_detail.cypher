// name: agency_detail
// title: 机构详情
// description: An agency by canonical name or any alias: its aliases, level, region and parent agency.
// param agency: agency = 省发展改革委
// returns: agency, aliases, level, region, parent
MATCH (a:Agency {key: $agency})
OPTIONAL MATCH (a)-[:`隶属`]->(up:Agency)
RETURN a.name AS agency, a.aliases AS aliases, a.level AS level, a.region AS region, up.name AS parent
