-- wrk script: residents' submissions to the public JSON endpoint, cycling over communities and types.
local communities = {}
for id in (os.getenv("COMMUNITY_IDS") or "3"):gmatch("[^,]+") do communities[#communities + 1] = id end
local types = { "help", "question", "report_suspicious", "neighbour_dispute" }
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"type":"%s","communityID":"%s","description":"楼道灯坏了，晚上很黑 #%d","address":"某路%d号"}',
    types[(n % #types) + 1], communities[((n * 7919) % #communities) + 1], n, n % 200)
  return wrk.format("POST", "/api/public/requests", { ["Content-Type"] = "application/json" }, body)
end
