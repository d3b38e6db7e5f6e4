-- Grows the demo's real Panyu tree (16 stations, 267 communities) to the size issue 8 names for its
-- performance goal: 30 stations and 334 communities. Synthetic, for bench/assessment.sh only.
--   * 14 new stations: each of the 14 stations serving the most communities hands every second of
--     its communities (and those communities' offices) to a new "second" station in the same street.
--   * 67 new communities: each of the 67 most populous communities is split in two — the new one in
--     the same street, station and office, with half the population, one grid, and every second of
--     the old community's incidents (id even), so the incident counts stay real-shaped.
-- Codes: street code + 9xx, a range the generated community codes (601…, 701…) never use.

CREATE TEMP TABLE busy AS
  SELECT station_id AS sid, ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, station_id) AS k
  FROM divisions WHERE level = 'community' AND station_id IS NOT NULL
  GROUP BY station_id ORDER BY COUNT(*) DESC, station_id LIMIT 14;

INSERT INTO stations (name, address, phone, division_id)
  SELECT replace(s.name, '派出所', '第二派出所'), s.address || '（二所）', s.phone, s.division_id
  FROM busy JOIN stations s ON s.id = busy.sid ORDER BY busy.k;

CREATE TEMP TABLE station_pair AS
  SELECT busy.sid AS old_id, n.id AS new_id
  FROM busy JOIN stations s ON s.id = busy.sid JOIN stations n ON n.name = replace(s.name, '派出所', '第二派出所');

CREATE TEMP TABLE moved AS
  SELECT d.id AS community_id, d.office_id, p.new_id
  FROM (SELECT id, office_id, station_id, ROW_NUMBER() OVER (PARTITION BY station_id ORDER BY code) AS r
        FROM divisions WHERE level = 'community') d
  JOIN station_pair p ON p.old_id = d.station_id
  WHERE d.r % 2 = 0;

UPDATE divisions SET station_id = (SELECT new_id FROM moved WHERE moved.community_id = divisions.id)
  WHERE id IN (SELECT community_id FROM moved);
UPDATE police_offices SET station_id = (SELECT new_id FROM moved WHERE moved.office_id = police_offices.id LIMIT 1)
  WHERE id IN (SELECT office_id FROM moved WHERE office_id IS NOT NULL);

CREATE TEMP TABLE split AS
  SELECT id AS old_id, ROW_NUMBER() OVER (ORDER BY resident_population DESC, id) - 1 AS k
  FROM divisions WHERE level = 'community' ORDER BY resident_population DESC, id LIMIT 67;

INSERT INTO divisions (code, name, level, parent_id, kind, code_generated, registered_population, resident_population,
                       floating_population, boundary_geojson, centroid_lat, centroid_lon, station_id, office_id, community_id, updated_at)
  SELECT substr(d.code, 1, 9) || printf('%03d', 900 + split.k), d.name || '（分）', 'community', d.parent_id, d.kind, 1,
         d.registered_population / 2, d.resident_population / 2, d.floating_population / 2, NULL,
         d.centroid_lat + 0.004, d.centroid_lon + 0.004, d.station_id, d.office_id, NULL, d.updated_at
  FROM split JOIN divisions d ON d.id = split.old_id ORDER BY split.k;

CREATE TEMP TABLE split_pair AS
  SELECT split.old_id, n.id AS new_id
  FROM split JOIN divisions o ON o.id = split.old_id
  JOIN divisions n ON n.code = substr(o.code, 1, 9) || printf('%03d', 900 + split.k);

UPDATE divisions SET registered_population = registered_population - registered_population / 2,
                     resident_population = resident_population - resident_population / 2,
                     floating_population = floating_population - floating_population / 2
  WHERE id IN (SELECT old_id FROM split);

INSERT INTO divisions (code, name, level, parent_id, kind, code_generated, registered_population, resident_population,
                       floating_population, station_id, office_id, community_id, updated_at)
  SELECT n.code || '001', '第1网格', 'grid', n.id, NULL, 1, n.registered_population, n.resident_population,
         n.floating_population, n.station_id, n.office_id, n.id, n.updated_at
  FROM split_pair JOIN divisions n ON n.id = split_pair.new_id;

UPDATE incidents SET
    community_id = (SELECT new_id FROM split_pair WHERE split_pair.old_id = incidents.community_id),
    grid_id = (SELECT g.id FROM split_pair JOIN divisions g ON g.community_id = split_pair.new_id AND g.level = 'grid'
               WHERE split_pair.old_id = incidents.community_id),
    building_id = NULL
  WHERE community_id IN (SELECT old_id FROM split) AND id % 2 = 0;
