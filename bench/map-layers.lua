-- wrk script: the map's incident layer (issue 18). BENCH_VIEWS is a ";"-separated list of "zoom|minLon,minLat,maxLon,maxLat"
-- views (the whole district at low zoom, or one community each); requests cycle over views and months so no answer repeats.
local token = os.getenv("PINGAN_TOKEN")
local views = {}
for v in (os.getenv("BENCH_VIEWS") or "10|113.2,22.8,113.6,23.1"):gmatch("[^;]+") do views[#views + 1] = v end
local months = {}
for m in (os.getenv("BENCH_MONTHS") or "2026-01"):gmatch("[^,]+") do months[#months + 1] = m end
local n = 0
request = function()
  n = n + 1
  local view = views[((n * 7919) % #views) + 1]
  local zoom, bbox = view:match("([^|]+)|(.+)")
  local path = "/api/v1/map/layers/incidents?zoom=" .. zoom .. "&bbox=" .. bbox .. "&month=" .. months[(n % #months) + 1]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
