-- Person lookup by ID number through the API: cycles over IDS_FILE (one number per line). Each lookup states its
-- purpose and is audited; the bench server raises PINGAN_IDENTIFIER_SEARCH_LIMIT (30 an hour by default).
local ids = {}
local token = os.getenv("PINGAN_TOKEN")
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
local i = 0
request = function()
  i = i + 1
  local id = ids[(i * 7919) % #ids + 1]
  return wrk.format("GET", "/api/v1/people?per=1&purpose=identity_check&idNumber=" .. id, { ["Authorization"] = "Bearer " .. token })
end
