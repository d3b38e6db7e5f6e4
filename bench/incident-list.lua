-- wrk script: the incident list (page or API), 50 rows, filtered by one community and one month,
-- cycling over communities and months so the cache does not serve one answer.
local token = os.getenv("PINGAN_TOKEN")
local base = os.getenv("BENCH_PATH") or "/api/v1/incidents"
local communities = {}
for id in (os.getenv("COMMUNITY_IDS") or "1"):gmatch("[^,]+") do communities[#communities + 1] = id end
local months = {}
for line in (os.getenv("BENCH_MONTHS") or "2026-01"):gmatch("[^,]+") do months[#months + 1] = line end
local n = 0
request = function()
  n = n + 1
  local community = communities[((n * 7919) % #communities) + 1]
  local month = months[(n % #months) + 1]
  local path = base .. "?community=" .. community .. "&month=" .. month .. "&per=50"
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
