-- mix.lua — wrk script: 200 connections mixing reads and writes against
-- the running server, with an API token (TOKEN) for every request:
--   60% GET /api/v1/risks?limit=50     (list, JSON)
--   15% GET /risks/R-00NN              (detail page, HTML)
--   15% GET /                          (dashboard, HTML)
--   10% PATCH /api/v1/risks/R-00NN     (a write: notes)
-- Any status outside 2xx/3xx is counted by wrk and fails the test.
local counter = 0
local token = os.getenv("TOKEN")
local nrisks = tonumber(os.getenv("NRISKS") or "20")

request = function()
  counter = counter + 1
  local k = counter % 20
  local id = string.format("R-%04d", 1 + (counter % nrisks))
  local h = { ["Authorization"] = "Bearer " .. token }
  if k < 12 then
    return wrk.format("GET", "/api/v1/risks?limit=50", h)
  elseif k < 15 then
    return wrk.format("GET", "/risks/" .. id, h)
  elseif k < 18 then
    return wrk.format("GET", "/", h)
  else
    h["Content-Type"] = "application/json"
    return wrk.format("PATCH", "/api/v1/risks/" .. id, h,
                      '{"notes":"load ' .. counter .. '"}')
  end
end
