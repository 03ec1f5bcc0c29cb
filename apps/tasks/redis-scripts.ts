/**
 * The Lua scripts of the Redis task backend. Each state change is one script, so it is atomic:
 * Redis runs a script to the end before serving anything else. Every script receives the same
 * first arguments — key prefix, the caller's clock (ms), the serialized "expired" and "lost"
 * errors with `@ID@`/`@JOB@`/`@N@` placeholders — so that times come from the injected clock
 * (tests move it by hand) and error texts come from the one catalog in `lib/errors.ts`.
 *
 * Keys (prefix `P`, a `{hash tag}` so they all share one cluster slot):
 *   P t:<id>      hash: the task                P q:<queue>  zset: ready, score = priority band + seq
 *   P delayed     zset: ETA / retry time          P active     zset: lease expiry
 *   P expiring    zset: expiry of waiting tasks   P all        zset: every task by time queued
 *   P kids:<id>   set: children of a task          P slots      hash: last periodic slot per job
 *   P seq         counter                          P queues     set: queue names
 * Channels: P events (task events, JSON), P signals (wake / revoke hints for workers).
 *
 * Cost matters here: Redis runs every script on its one thread, so each command a script
 * saves per task is throughput. A task's fields are read once per script (`load`), events are
 * built from them and published only while someone listens (one PUBSUB NUMSUB per script), and
 * a task leaves only the sorted sets its state puts it in.
 *
 * Numbers that go back to Redis are formatted with `%.0f`: Lua's default number formatting
 * keeps 14 digits, which would round the 16-digit ready scores.
 * @internal
 */

const PRELUDE = `
local P = ARGV[1]
local NOWS = ARGV[2]
local NOW = tonumber(NOWS)
local TPL_EXPIRED = ARGV[3]
local TPL_LOST = ARGV[4]
local DONE = { SUCCESS = true, FAILURE = true, REVOKED = true }
local WAITING = { PENDING = true, RETRY = true }
local HELD = { RECEIVED = true, STARTED = true }
local wake = {}
local queueSize = {}
local listen = nil

local function n(x) return string.format('%.0f', x) end
local function key(id) return P .. 't:' .. id end

local function esc(s)
  local e = cjson.encode(s)
  e = string.sub(e, 2, -2)
  return (string.gsub(e, '%%', '%%%%'))
end

local function fill(tpl, id, job, count)
  local out = string.gsub(tpl, '@ID@', esc(id))
  out = string.gsub(out, '@JOB@', esc(job))
  if count then out = string.gsub(out, '@N@', tostring(count)) end
  return out
end

-- The fields most scripts need; \`more\` adds the rest when an event or a redelivery needs them.
local function load(id)
  local v = redis.call('HMGET', key(id), 'status', 'att', 'ttl', 'retries', 'mx', 'queue', 'exp')
  if not v[1] then return nil end
  return { id = id, status = v[1], att = tonumber(v[2]), ttl = v[3], retries = tonumber(v[4]), mx = tonumber(v[5]), queue = v[6], exp = v[7] }
end

local function more(t)
  if t.job then return t end
  local v = redis.call('HMGET', key(t.id), 'job', 'from', 'worker', 'mr', 'redel', 'pri')
  t.job = v[1]; t.from = v[2]; t.worker = v[3]; t.mr = tonumber(v[4]); t.redel = tonumber(v[5]); t.pri = v[6]
  return t
end

local function listening()
  if listen == nil then listen = redis.call('PUBSUB', 'NUMSUB', P .. 'events')[2] > 0 end
  return listen
end

-- t: a loaded task whose status/att/worker are already the new ones.
local function publish(t, kind, extra)
  if not listening() then return end
  more(t)
  local ev = '{"type":"' .. kind .. '","id":' .. cjson.encode(t.id) .. ',"job":' .. cjson.encode(t.job) ..
    ',"status":"' .. t.status .. '","attempt":' .. n(t.att) .. ',"time":' .. NOWS .. ',"queue":' .. cjson.encode(t.queue)
  if t.from then ev = ev .. ',"from_task":' .. cjson.encode(t.from) end
  if t.worker then ev = ev .. ',"worker":' .. cjson.encode(t.worker) end
  if extra then ev = ev .. extra end
  redis.call('PUBLISH', P .. 'events', ev .. '}')
end

local function toReady(id, queue, pri, seq)
  local q = P .. 'q:' .. queue
  if not seq then seq = redis.call('INCR', P .. 'seq') end
  local size = queueSize[queue]
  if size == nil then size = redis.call('ZCARD', q) end
  if size == 0 then wake[queue] = true end
  queueSize[queue] = size + 1
  redis.call('ZADD', q, n((1000 - tonumber(pri)) * 1099511627776 + seq), id)
end

-- Ends a task: it leaves the sets its previous state had put it in, keeps its result or error
-- for its ttl, and watchers get the event. started: the start report was folded into this one.
local function finish(t, status, result, err, started)
  local h = key(t.id)
  if HELD[t.status] then
    redis.call('ZREM', P .. 'active', t.id)
  else
    redis.call('ZREM', P .. 'q:' .. t.queue, t.id)
    redis.call('ZREM', P .. 'delayed', t.id)
    if t.exp then redis.call('ZREM', P .. 'expiring', t.id) end
  end
  local extra
  if result then
    if started then redis.call('HSET', h, 'status', status, 'te', NOWS, 'result', result, 'ts', NOWS)
    else redis.call('HSET', h, 'status', status, 'te', NOWS, 'result', result) end
    if t.retries > 0 then redis.call('HDEL', h, 'error') end
    extra = ',"result":' .. result
  else
    redis.call('HSET', h, 'status', status, 'te', NOWS, 'error', err)
    extra = ',"error":' .. err
  end
  redis.call('PEXPIRE', h, t.ttl)
  t.status = status
  publish(t, 'status', extra)
end

local function redeliver(t)
  redis.call('ZREM', P .. 'active', t.id)
  if not HELD[t.status] then return end
  more(t)
  t.redel = redis.call('HINCRBY', key(t.id), 'redel', 1)
  if t.redel > t.mr then
    finish(t, 'FAILURE', nil, fill(TPL_LOST, t.id, t.job, t.redel))
  else
    redis.call('HSET', key(t.id), 'status', 'RETRY')
    t.status = 'RETRY'
    toReady(t.id, t.queue, t.pri)
    publish(t, 'status', nil)
  end
end

local function housekeep()
  local expired = redis.call('ZRANGEBYSCORE', P .. 'active', '-inf', NOWS, 'LIMIT', 0, 200)
  for _, id in ipairs(expired) do
    local t = load(id)
    if t then redeliver(t) else redis.call('ZREM', P .. 'active', id) end
  end
  local due = redis.call('ZRANGEBYSCORE', P .. 'delayed', '-inf', NOWS, 'LIMIT', 0, 1000)
  for _, id in ipairs(due) do
    redis.call('ZREM', P .. 'delayed', id)
    local f = redis.call('HMGET', key(id), 'queue', 'pri', 'status')
    if f[1] and WAITING[f[3]] then toReady(id, f[1], f[2]) end
  end
  local exp = redis.call('ZRANGEBYSCORE', P .. 'expiring', '-inf', NOWS, 'LIMIT', 0, 200)
  for _, id in ipairs(exp) do
    redis.call('ZREM', P .. 'expiring', id)
    local t = load(id)
    if t and WAITING[t.status] then finish(t, 'REVOKED', nil, fill(TPL_EXPIRED, id, more(t).job)) end
  end
end

local function signalWake()
  for q, _ in pairs(wake) do
    redis.call('PUBLISH', P .. 'signals', '{"type":"wake","queue":' .. cjson.encode(q) .. '}')
  end
end
`;

/** ARGV[5] high-water mark, ARGV[6] JSON array of requests. Returns {1, {id, created, status}...} or {0, waiting}. */
export const ENQUEUE = `${PRELUDE}
local hwm = tonumber(ARGV[5])
local reqs = cjson.decode(ARGV[6])
local queues = {}
for _, r in ipairs(reqs) do queues[r.queue] = true end
if hwm > 0 then
  local waiting = redis.call('ZCARD', P .. 'delayed')
  for q, _ in pairs(queues) do waiting = waiting + redis.call('ZCARD', P .. 'q:' .. q) end
  if waiting >= hwm then return { 0, waiting } end
end
for q, _ in pairs(queues) do redis.call('SADD', P .. 'queues', q) end
local seq = redis.call('INCRBY', P .. 'seq', #reqs) - #reqs
local out = {}
for _, r in ipairs(reqs) do
  seq = seq + 1
  local h = key(r.id)
  local st = redis.call('HGET', h, 'status')
  local skip = false
  if st and (r.mode ~= 'dedupe' or not DONE[st]) then skip = true end
  if not skip and r.slot then
    local last = redis.call('HGET', P .. 'slots', r.job)
    if last and tonumber(last) >= tonumber(r.slot) then skip = true
    else redis.call('HSET', P .. 'slots', r.job, r.slot) end
  end
  if skip then
    out[#out + 1] = { r.id, 0, st or '' }
  else
    if st then
      local old = redis.call('HGET', h, 'from')
      if old then redis.call('SREM', P .. 'kids:' .. old, r.id) end
      redis.call('DEL', h)
    end
    redis.call('HSET', h, 'id', r.id, 'job', r.job, 'queue', r.queue, 'status', 'PENDING', 'pri', r.pri, 'args', r.args,
      'tq', r.tq, 'att', 0, 'retries', 0, 'redel', 0, 'opts', r.opts, 'mr', r.mr, 'mx', r.mx, 'ttl', r.ttl)
    if r.from then
      redis.call('HSET', h, 'from', r.from)
      redis.call('SADD', P .. 'kids:' .. r.from, r.id)
    end
    if r.exp then
      redis.call('HSET', h, 'exp', r.exp)
      redis.call('ZADD', P .. 'expiring', r.exp, r.id)
    end
    redis.call('ZADD', P .. 'all', r.tq, r.id)
    if r.eta then redis.call('HSET', h, 'eta', r.eta) end
    if r.eta and tonumber(r.eta) > NOW then
      redis.call('ZADD', P .. 'delayed', r.eta, r.id)
    else
      toReady(r.id, r.queue, r.pri, seq)
    end
    publish({ id = r.id, job = r.job, status = 'PENDING', att = 0, queue = r.queue, from = r.from }, 'status', nil)
    out[#out + 1] = { r.id, 1, 'PENDING' }
  end
end
signalWake()
return { 1, out }
`;

/** ARGV[5] worker, ARGV[6] max, ARGV[7] lease ms, ARGV[8..] queues. Returns {{flat hash}...}, next_due|false. */
/**
 * ARGV[5] worker, ARGV[6] max, ARGV[7] lease ms, ARGV[8..] queues. Returns {{flat hash as it
 * was before the claim}...}, next_due|false: the caller knows what a claim changes (status,
 * attempt + 1, worker, time received) and applies it, which spares building a table per task.
 */
export const CLAIM = `${PRELUDE}
local worker = ARGV[5]
local max = tonumber(ARGV[6])
local leaseUntil = n(NOW + tonumber(ARGV[7]))
housekeep()
local out = {}
for i = 8, #ARGV do
  local q = P .. 'q:' .. ARGV[i]
  while #out < max do
    local popped = redis.call('ZPOPMIN', q, max - #out)
    if #popped == 0 then break end
    for j = 1, #popped, 2 do
      local id = popped[j]
      local h = key(id)
      local flat = redis.call('HGETALL', h)
      local status, exp, att, job
      for k = 1, #flat, 2 do
        local f = flat[k]
        if f == 'status' then status = flat[k + 1]
        elseif f == 'exp' then exp = flat[k + 1]
        elseif f == 'att' then att = tonumber(flat[k + 1])
        elseif f == 'job' then job = flat[k + 1] end
      end
      if status and WAITING[status] then
        if exp and tonumber(exp) <= NOW then
          local t = load(id)
          finish(t, 'REVOKED', nil, fill(TPL_EXPIRED, id, job))
        else
          redis.call('HSET', h, 'status', 'RECEIVED', 'att', att + 1, 'worker', worker, 'tr', NOWS)
          redis.call('ZADD', P .. 'active', leaseUntil, id)
          if exp then redis.call('ZREM', P .. 'expiring', id) end
          if listening() then publish(more({ id = id, status = 'RECEIVED', att = att + 1, queue = ARGV[i] }), 'status', nil) end
          out[#out + 1] = flat
        end
      end
    end
  end
end
signalWake()
local nd = redis.call('ZRANGE', P .. 'delayed', 0, 0, 'WITHSCORES')
return { out, nd[2] or false }
`;

/**
 * ARGV[5] lease ms, ARGV[6] JSON array of updates {t, id, a, r?, e?, at?, s?} (s: the start
 * report of a task that finished in the same batch). Returns the lost ids.
 */
export const REPORT = `${PRELUDE}
local lease = tonumber(ARGV[5])
local updates = cjson.decode(ARGV[6])
local lost = {}
for _, u in ipairs(updates) do
  local t = load(u.id)
  if not t or DONE[t.status] then
    lost[#lost + 1] = u.id
  else
    local h = key(u.id)
    local current = t.att == tonumber(u.a) and HELD[t.status]
    if u.t == 'success' then
      local started = current and u.s and t.status == 'RECEIVED'
      if started and listening() then
        t.status = 'STARTED'
        redis.call('HSET', h, 'status', 'STARTED')
        publish(t, 'status', nil)
      end
      finish(t, 'SUCCESS', u.r, nil, started)
      if not current then lost[#lost + 1] = u.id end
    elseif not current then
      lost[#lost + 1] = u.id
    elseif u.t == 'start' then
      if t.status == 'RECEIVED' then
        redis.call('HSET', h, 'status', 'STARTED', 'ts', NOWS)
        t.status = 'STARTED'
        publish(t, 'status', nil)
      end
    elseif u.t == 'renew' then
      redis.call('ZADD', P .. 'active', 'XX', n(NOW + lease), u.id)
    elseif u.t == 'progress' then
      redis.call('HSET', h, 'progress', u.r)
      publish(t, 'progress', ',"progress":' .. u.r)
    elseif u.t == 'partial' then
      publish(t, 'partial', ',"value":' .. u.r)
    elseif u.t == 'failure' then
      if u.s and t.status == 'RECEIVED' then
        if listening() then
          t.status = 'STARTED'
          redis.call('HSET', h, 'status', 'STARTED', 'ts', NOWS)
          publish(t, 'status', nil)
        else
          redis.call('HSET', h, 'ts', NOWS)
        end
      end
      if u.at and t.retries < t.mx then
        redis.call('ZREM', P .. 'active', u.id)
        redis.call('HSET', h, 'status', 'RETRY', 'error', u.e, 'retries', t.retries + 1)
        redis.call('ZADD', P .. 'delayed', n(u.at), u.id)
        t.status = 'RETRY'
        publish(t, 'status', ',"error":' .. u.e)
      else
        finish(t, 'FAILURE', nil, u.e)
      end
    end
  end
end
return lost
`;

/** ARGV[5] id, ARGV[6] revoked error template. Returns the status after, or false. */
export const REVOKE = `${PRELUDE}
local id = ARGV[5]
local t = load(id)
if not t then return false end
if DONE[t.status] then return t.status end
local running = HELD[t.status]
finish(t, 'REVOKED', nil, fill(ARGV[6], id, more(t).job))
if running then
  redis.call('PUBLISH', P .. 'signals', '{"type":"revoke","id":' .. cjson.encode(id) .. '}')
end
return 'REVOKED'
`;

/** ARGV[5] worker. Returns how many tasks went back to their queue (or failed as lost). */
export const RELEASE_WORKER = `${PRELUDE}
local ids = redis.call('ZRANGE', P .. 'active', 0, -1)
local count = 0
for _, id in ipairs(ids) do
  local t = load(id)
  if t and more(t).worker == ARGV[5] then
    redeliver(t)
    count = count + 1
  end
end
signalWake()
return count
`;

/** Housekeeping, plus dropping index entries of records that expired (bounded per call). */
export const MAINTAIN = `${PRELUDE}
housekeep()
signalWake()
local oldest = redis.call('ZRANGE', P .. 'all', 0, 199)
for _, id in ipairs(oldest) do
  if redis.call('EXISTS', key(id)) == 0 then redis.call('ZREM', P .. 'all', id) end
end
return 1
`;
