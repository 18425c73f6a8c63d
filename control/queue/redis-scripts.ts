/**
 * Lua scripts of the Redis job queue: each state change of a job is one atomic script, so two
 * consumers (or a consumer and the scheduler) can never both move the same job.
 *
 * Keys share the `{stream}` hash tag so that on a cluster they live in one slot. The job hash
 * `{stream}:job:<id>` holds: kind, payload, state (delayed | queued | running | done | dead),
 * attempts, entry (its current stream entry id), consumer and lease (of the running delivery),
 * error, finished_ms. ACK and FAIL act only under the current lease, so a consumer whose lease
 * expired and whose job was delivered again cannot finish or reschedule it.
 */

/** KEYS: job, stream, delayed. ARGV: id, kind, payload, dueMs, nowMs. Returns 1 if added. */
export const ENQUEUE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'kind', ARGV[2], 'payload', ARGV[3], 'attempts', 0)
if tonumber(ARGV[4]) > tonumber(ARGV[5]) then
  redis.call('HSET', KEYS[1], 'state', 'delayed')
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
else
  local entry = redis.call('XADD', KEYS[2], '*', 'id', ARGV[1])
  redis.call('HSET', KEYS[1], 'state', 'queued', 'entry', entry)
end
return 1
`;

/** KEYS: delayed, stream. ARGV: nowMs, limit, jobKeyPrefix. Moves due jobs to the stream. */
export const PROMOTE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local key = ARGV[3] .. id
  if redis.call('HGET', key, 'state') == 'delayed' then
    local entry = redis.call('XADD', KEYS[2], '*', 'id', id)
    redis.call('HSET', key, 'state', 'queued', 'entry', entry)
  end
end
return #ids
`;

/**
 * KEYS: job, stream, dead. ARGV: group, entryId, maxAttempts, nowMs, id, consumer, lease.
 * Turns a stream entry delivered to this consumer into a running attempt under a new lease: returns
 * {kind, payload, attempt}, or nil when the entry is stale (job done, dead, rescheduled or gone:
 * the entry is dropped) or the last attempt's lease expired (the job is dead-lettered).
 */
export const START = `
local state = redis.call('HGET', KEYS[1], 'state')
local entry = redis.call('HGET', KEYS[1], 'entry')
if (state ~= 'queued' and state ~= 'running') or entry ~= ARGV[2] then
  redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[2], ARGV[2])
  return nil
end
local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0')
if attempts >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'state', 'dead', 'error', 'visibility timeout expired on the last attempt', 'finished_ms', ARGV[4])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
  redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[2], ARGV[2])
  return nil
end
attempts = attempts + 1
redis.call('HSET', KEYS[1], 'state', 'running', 'attempts', attempts, 'consumer', ARGV[6], 'lease', ARGV[7])
return {redis.call('HGET', KEYS[1], 'kind'), redis.call('HGET', KEYS[1], 'payload'), attempts}
`;

/**
 * KEYS: job, stream. ARGV: group, nowMs, retentionMs, lease. Marks a job running under `lease`
 * done. Returns 1 if done, 0 if the job was not running under that lease (nothing changed).
 */
export const ACK = `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' or redis.call('HGET', KEYS[1], 'lease') ~= ARGV[4] then return 0 end
local entry = redis.call('HGET', KEYS[1], 'entry')
redis.call('XACK', KEYS[2], ARGV[1], entry)
redis.call('XDEL', KEYS[2], entry)
redis.call('HSET', KEYS[1], 'state', 'done', 'finished_ms', ARGV[2])
redis.call('HDEL', KEYS[1], 'payload', 'entry', 'consumer', 'lease')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/**
 * KEYS: job, stream, delayed, dead. ARGV: group, nowMs, maxAttempts, retryBaseMs, retryMaxMs,
 * error, id, lease. A failed attempt: retried after base * 2^(attempts-1) (capped), or
 * dead-lettered. Returns 0 if the job was not running under `lease` (nothing changed), 1 if
 * retried, 2 if dead-lettered.
 */
export const FAIL = `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' or redis.call('HGET', KEYS[1], 'lease') ~= ARGV[8] then return 0 end
local entry = redis.call('HGET', KEYS[1], 'entry')
redis.call('XACK', KEYS[2], ARGV[1], entry)
redis.call('XDEL', KEYS[2], entry)
redis.call('HDEL', KEYS[1], 'entry', 'consumer', 'lease')
local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts'))
local now = tonumber(ARGV[2])
if attempts >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'state', 'dead', 'error', ARGV[6], 'finished_ms', ARGV[2])
  redis.call('ZADD', KEYS[4], now, ARGV[7])
  return 2
end
local delay = math.min(tonumber(ARGV[5]), tonumber(ARGV[4]) * math.pow(2, attempts - 1))
redis.call('HSET', KEYS[1], 'state', 'delayed', 'error', ARGV[6])
redis.call('ZADD', KEYS[3], string.format('%d', now + math.floor(delay)), ARGV[7])
return 1
`;
