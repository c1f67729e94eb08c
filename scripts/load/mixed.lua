-- wrk script: the traffic of a working day against one zlc server.
--
-- Driven by scripts/load.sh, which signs in and passes, in the environment:
--   LOAD_COOKIE    the session cookie (one sign-in shared by every thread,
--                  and by the second server in the two-server run)
--   LOAD_ORIGIN    the application's origin (writes must come from it)
--   LOAD_MIX       mixed | me | list | search
--   LOAD_PROBLEMS  problem ids to open, comma-separated
--   LOAD_NEEDS     need ids every client edits (the contended records)
--   LOAD_UNITS     unit ids to file new needs under and to filter by
--   LOAD_TODAY     the day new needs are raised on
--
-- Run with as many threads as connections (-t N -c N): each thread then has
-- one connection, so each response answers the request its thread sent last.
-- That is what lets an edit read a record's version first and send it back.

local function split(s)
  local out = {}
  for v in string.gmatch(s or "", "[^,]+") do out[#out + 1] = v end
  return out
end

-- The share of each kind of request in the mixed traffic, out of 100.
local WEIGHTS = {
  { "list", 30 },     -- 问题清单 pages, some filtered by unit or status
  { "search", 5 },    -- the same list searched by text
  { "lists", 10 },    -- activities and needs pages
  { "view", 20 },     -- one problem, and its timeline
  { "me", 10 },       -- who am I (every page load)
  { "dashboard", 10 },-- 待办 and unread messages
  { "edit", 10 },     -- a need edited with the version last read (409 when stale)
  { "file", 5 },      -- a new need recorded
}

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  problems = split(os.getenv("LOAD_PROBLEMS"))
  needs = split(os.getenv("LOAD_NEEDS"))
  units = split(os.getenv("LOAD_UNITS"))
  today = os.getenv("LOAD_TODAY") or "2024-10-08"
  mix = os.getenv("LOAD_MIX") or "mixed"
  wrk.headers["Cookie"] = os.getenv("LOAD_COOKIE")
  wrk.headers["Origin"] = os.getenv("LOAD_ORIGIN")
  wrk.headers["Content-Type"] = "application/json"
  math.randomseed(id * 7919)
  schedule = {}
  for _, w in ipairs(WEIGHTS) do
    for _ = 1, w[2] do schedule[#schedule + 1] = w[1] end
  end
  -- what this thread's last request was, and what it learnt
  last, last_need = nil, nil
  pending = nil      -- {need, version} read, its edit not sent yet
  counts = {}        -- kind -> requests
  unexpected = {}    -- "kind status" -> count
  edits_ok, edits_stale, filed = 0, 0, 0
end

local function pick(t) return t[math.random(#t)] end

local SEARCHES = { "排队", "材料", "窗口", "办理时限", "重复提交" }
local STATUSES = { "pending", "in-progress", "closed" }

local function get(path) return wrk.format("GET", path) end

function request()
  local kind = mix
  if mix == "mixed" then kind = pick(schedule) end
  -- An edit needs a version: read the record first, send the edit next.
  if kind == "edit" and #needs > 0 then
    if pending then
      local n, v = pending[1], pending[2]
      pending = nil
      last, last_need = "edit", n
      local body = string.format('{"version":%d,"response":"已对接，第%d次跟进"}', v, v)
      return wrk.format("PATCH", "/api/v1/needs/" .. n, nil, body)
    end
    local n = pick(needs)
    last, last_need = "read", n
    return get("/api/v1/needs/" .. n)
  end
  last = kind
  if kind == "me" then
    return get("/api/v1/me")
  elseif kind == "list" then
    local r = math.random(3)
    if r == 1 or #units == 0 then return get("/api/v1/problems?limit=50") end
    if r == 2 then return get("/api/v1/problems?limit=50&unit=" .. pick(units)) end
    return get("/api/v1/problems?limit=50&status=" .. pick(STATUSES))
  elseif kind == "search" then
    return get("/api/v1/problems?limit=50&q=" .. pick(SEARCHES))
  elseif kind == "lists" then
    if math.random(2) == 1 then return get("/api/v1/activities?limit=50") end
    return get("/api/v1/needs?limit=50")
  elseif kind == "view" then
    local p = pick(problems)
    if math.random(4) == 1 then return get("/api/v1/problems/" .. p .. "/timeline") end
    return get("/api/v1/problems/" .. p)
  elseif kind == "dashboard" then
    if math.random(2) == 1 then return get("/api/v1/todos") end
    return get("/api/v1/messages/unread")
  elseif kind == "file" then
    local body = string.format(
      '{"unit_id":%s,"raised_by":"企业","content":"压力测试：希望延长窗口服务时间","raised_on":"%s"}',
      pick(units), today)
    return wrk.format("POST", "/api/v1/needs", nil, body)
  end
  return get("/api/v1/me")
end

function response(status, headers, body)
  local kind = last or "?"
  counts[kind] = (counts[kind] or 0) + 1
  if kind == "read" and status == 200 then
    local v = string.match(body, '"version":(%d+)')
    if v then pending = { last_need, tonumber(v) } end
  elseif kind == "edit" and status == 200 then
    edits_ok = edits_ok + 1
  elseif kind == "edit" and status == 409 then
    edits_stale = edits_stale + 1
  elseif kind == "file" and status == 201 then
    filed = filed + 1
  elseif status >= 300 then
    local key = kind .. " " .. status
    unexpected[key] = (unexpected[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total = { edits_ok = 0, edits_stale = 0, filed = 0, unexpected = {}, counts = {} }
  for _, t in ipairs(threads) do
    total.edits_ok = total.edits_ok + t:get("edits_ok")
    total.edits_stale = total.edits_stale + t:get("edits_stale")
    total.filed = total.filed + t:get("filed")
    for k, v in pairs(t:get("unexpected")) do total.unexpected[k] = (total.unexpected[k] or 0) + v end
    for k, v in pairs(t:get("counts")) do total.counts[k] = (total.counts[k] or 0) + v end
  end
  local bad = 0
  local parts = {}
  for k, v in pairs(total.unexpected) do
    bad = bad + v
    parts[#parts + 1] = string.format('"%s":%d', k, v)
  end
  local kinds = {}
  for k, v in pairs(total.counts) do kinds[#kinds + 1] = string.format('"%s":%d', k, v) end
  local e = summary.errors
  io.write(string.format(
    'LOAD {"requests":%d,"seconds":%.3f,"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,' ..
    '"unexpected":%d,"socket_errors":%d,"edits_ok":%d,"edits_stale":%d,"filed":%d,' ..
    '"unexpected_by_kind":{%s},"by_kind":{%s}}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    bad, e.connect + e.read + e.write + e.timeout,
    total.edits_ok, total.edits_stale, total.filed,
    table.concat(parts, ","), table.concat(kinds, ",")))
end
