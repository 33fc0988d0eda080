#include "core/kv_scripts.h"

namespace core {

const KvScript kRateLimitScript("rate_limit", R"lua(
local key = KEYS[1]
local now_ms = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local stop = tonumber(redis.call('HGET', key, 's') or 0)
if now_ms < stop then
  return {0, 0, stop - now_ms}
end
local start = now_ms - (now_ms % window_ms)
local w = tonumber(redis.call('HGET', key, 'w') or start)
local cur = tonumber(redis.call('HGET', key, 'c') or 0)
local prev = tonumber(redis.call('HGET', key, 'p') or 0)
if w ~= start then
  if w == start - window_ms then prev = cur else prev = 0 end
  cur = 0
end
local elapsed = now_ms - start
local used = cur + math.floor(prev * (window_ms - elapsed) / window_ms)
if used + cost <= limit then
  cur = cur + cost
  redis.call('HSET', key, 'w', start, 'c', cur, 'p', prev)
  redis.call('PEXPIRE', key, 2 * window_ms)
  return {1, limit - used - cost, 0}
end
local retry_ms = window_ms - elapsed
local room = limit - cur - cost
if room >= 0 and prev > 0 then
  -- the first ms t of this window with floor(prev * (window_ms - t) / window_ms) <= room
  retry_ms = window_ms - math.ceil((room + 1) * window_ms / prev) + 1 - elapsed
  if retry_ms < 1 then retry_ms = 1 end
end
local remaining = limit - used
if remaining < 0 then remaining = 0 end
return {0, remaining, retry_ms}
)lua");

const KvScript kRateLimitStopScript("rate_limit_stop", R"lua(
local key = KEYS[1]
local now_ms = tonumber(ARGV[1])
local until_ms = tonumber(ARGV[2])
local stop = tonumber(redis.call('HGET', key, 's') or 0)
if until_ms > stop then
  stop = until_ms
  redis.call('HSET', key, 's', stop)
end
local ttl = redis.call('PTTL', key)
if stop > now_ms and ttl < stop - now_ms then
  redis.call('PEXPIRE', key, stop - now_ms)
end
return stop
)lua");

const KvScript kReserveScript("reserve", R"lua(
local key = KEYS[1]
local id = ARGV[1]
local amount = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local total = tonumber(redis.call('HGET', key, 'total') or 0)
if redis.call('HEXISTS', key, 'id:' .. id) == 1 then
  return {1, total}
end
if total + amount > cap then
  return {0, total}
end
redis.call('HSET', key, 'id:' .. id, amount)
return {1, redis.call('HINCRBY', key, 'total', amount)}
)lua");

const KvScript kSettleScript("settle", R"lua(
local key = KEYS[1]
local field = 'id:' .. ARGV[1]
local amount = redis.call('HGET', key, field)
if not amount then
  return {0, tonumber(redis.call('HGET', key, 'total') or 0)}
end
amount = tonumber(amount)
local kept = math.min(tonumber(ARGV[2]), amount)
redis.call('HDEL', key, field)
if kept > 0 then
  redis.call('HINCRBY', key, 'id:pos:' .. ARGV[1], kept)
end
return {1, redis.call('HINCRBY', key, 'total', kept - amount)}
)lua");

}  // namespace core
