#include "sim/detail/kv_lua.h"

#include <lua.hpp>

#include <cstdio>
#include <utility>

namespace sim::detail {
namespace {

void push_table_field(lua_State* L, const char* field, const std::string& text) {
  lua_newtable(L);
  lua_pushstring(L, field);
  lua_pushlstring(L, text.data(), text.size());
  lua_settable(L, -3);
}

void push_reply(lua_State* L, const core::KvReply& reply) {
  if (reply.is_nil()) {
    lua_pushboolean(L, 0);
  } else if (const auto* n = reply.integer()) {
    lua_pushnumber(L, static_cast<lua_Number>(*n));
  } else if (const auto* s = reply.string()) {
    lua_pushlstring(L, s->data(), s->size());
  } else if (const auto* a = reply.array()) {
    lua_createtable(L, static_cast<int>(a->size()), 0);
    for (std::size_t i = 0; i < a->size(); ++i) {
      push_reply(L, (*a)[i]);
      lua_rawseti(L, -2, static_cast<int>(i + 1));
    }
  } else {
    push_table_field(L, "err", std::get<core::KvError>(reply.value).message);
  }
}

/// The string field `name` of the table at `index`, if there is one.
bool table_string_field(lua_State* L, int index, const char* name, std::string* out) {
  lua_pushstring(L, name);
  lua_rawget(L, index < 0 ? index - 1 : index);
  const bool found = lua_type(L, -1) == LUA_TSTRING;
  if (found) *out = lua_tostring(L, -1);
  lua_pop(L, 1);
  return found;
}

core::KvReply to_reply(lua_State* L, int index) {
  switch (lua_type(L, index)) {
    case LUA_TNUMBER:
      return {static_cast<std::int64_t>(lua_tonumber(L, index))};
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, index, &len);
      return {std::string(s, len)};
    }
    case LUA_TBOOLEAN:
      return lua_toboolean(L, index) ? core::KvReply{std::int64_t{1}} : core::KvReply{};
    case LUA_TTABLE: {
      std::string text;
      if (table_string_field(L, index, "err", &text)) return {core::KvError{text}};
      if (table_string_field(L, index, "ok", &text)) return {text};
      std::vector<core::KvReply> items;
      for (int i = 1;; ++i) {
        lua_rawgeti(L, index, i);
        if (lua_isnil(L, -1)) {
          lua_pop(L, 1);
          break;
        }
        items.push_back(to_reply(L, -1));
        lua_pop(L, 1);
      }
      return {std::move(items)};
    }
    default:
      return {};
  }
}

/// Builds argv from the call's arguments; on a bad argument pushes an error text instead.
/// Kept apart from the lua_CFunction so no C++ object is alive when lua_error longjmps.
bool run_call(lua_State* L, bool raise, std::string* error) {
  auto* self = static_cast<KvLua*>(lua_touserdata(L, lua_upvalueindex(1)));
  const int argc = lua_gettop(L);
  if (argc == 0) {
    *error = "ERR Please specify at least one argument for this redis lib call";
    return false;
  }
  std::vector<std::string> argv;
  for (int i = 1; i <= argc; ++i) {
    if (lua_type(L, i) == LUA_TNUMBER) {
      char buf[64];  // Redis formats numbers with %.17g, not Lua's %.14g
      const int n = std::snprintf(buf, sizeof(buf), "%.17g", lua_tonumber(L, i));
      argv.emplace_back(buf, static_cast<std::size_t>(n));
    } else if (lua_type(L, i) == LUA_TSTRING) {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, i, &len);
      argv.emplace_back(s, len);
    } else {
      *error = "ERR Lua redis lib command arguments must be strings or integers";
      return false;
    }
  }
  const core::KvReply reply = self->call(argv);
  if (raise && std::holds_alternative<core::KvError>(reply.value)) {
    *error = std::get<core::KvError>(reply.value).message;
    return false;
  }
  push_reply(L, reply);
  return true;
}

int generic_call(lua_State* L, bool raise) {
  bool ok = false;
  {
    std::string error;
    ok = run_call(L, raise, &error);
    if (!ok) push_table_field(L, "err", error);
  }
  if (!ok && raise) return lua_error(L);
  return 1;
}

int redis_call(lua_State* L) {
  return generic_call(L, true);
}
int redis_pcall(lua_State* L) {
  return generic_call(L, false);
}

int redis_error_reply(lua_State* L) {
  lua_newtable(L);
  lua_pushstring(L, "err");
  lua_pushvalue(L, 1);
  lua_settable(L, -3);
  return 1;
}

int redis_status_reply(lua_State* L) {
  lua_newtable(L);
  lua_pushstring(L, "ok");
  lua_pushvalue(L, 1);
  lua_settable(L, -3);
  return 1;
}

void open_libs(lua_State* L) {
  const luaL_Reg libs[] = {{"", luaopen_base},
                           {LUA_TABLIBNAME, luaopen_table},
                           {LUA_STRLIBNAME, luaopen_string},
                           {LUA_MATHLIBNAME, luaopen_math}};
  for (const auto& lib : libs) {
    lua_pushcfunction(L, lib.func);
    lua_pushstring(L, lib.name);
    lua_call(L, 1, 0);
  }
  for (const char* unsafe : {"loadfile", "dofile"}) {
    lua_pushnil(L);
    lua_setglobal(L, unsafe);
  }
}

void set_string_array(lua_State* L, const char* name, const std::vector<std::string>& items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    lua_pushlstring(L, items[i].data(), items[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  lua_setglobal(L, name);
}

/// Redis answers an uncaught error with the {err=...} text, or "ERR " + a Lua error string.
std::string error_text(lua_State* L) {
  std::string text;
  if (lua_istable(L, -1) && table_string_field(L, -1, "err", &text)) return text;
  const char* s = lua_tostring(L, -1);
  return std::string("ERR ") + (s ? s : "(error object is not a string)");
}

}  // namespace

KvLua::KvLua(KvExecutor execute) : lua_(luaL_newstate()), execute_(std::move(execute)) {
  open_libs(lua_);
  lua_newtable(lua_);
  const luaL_Reg fns[] = {{"call", redis_call},
                          {"pcall", redis_pcall},
                          {"error_reply", redis_error_reply},
                          {"status_reply", redis_status_reply}};
  for (const auto& fn : fns) {
    lua_pushlightuserdata(lua_, this);
    lua_pushcclosure(lua_, fn.func, 1);
    lua_setfield(lua_, -2, fn.name);
  }
  lua_setglobal(lua_, "redis");
}

KvLua::~KvLua() {
  lua_close(lua_);
}

core::Result<core::KvReply> KvLua::eval(const core::KvScript& script,
                                        const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args) {
  auto it = compiled_.find(script.sha1_hex());
  if (it == compiled_.end()) {
    const std::string& src = script.source();
    if (luaL_loadbuffer(lua_, src.data(), src.size(), "@user_script") != 0) {
      std::string text = error_text(lua_);
      lua_pop(lua_, 1);
      return core::make_error(core::Errc::kRejected, "kv script {}: {}", script.name(), text);
    }
    it = compiled_.emplace(script.sha1_hex(), luaL_ref(lua_, LUA_REGISTRYINDEX)).first;
  }
  set_string_array(lua_, "KEYS", keys);
  set_string_array(lua_, "ARGV", args);
  lua_rawgeti(lua_, LUA_REGISTRYINDEX, it->second);
  if (lua_pcall(lua_, 0, 1, 0) != 0) {
    std::string text = error_text(lua_);
    lua_pop(lua_, 1);
    return core::make_error(core::Errc::kRejected, "kv script {}: {}", script.name(), text);
  }
  core::KvReply reply = to_reply(lua_, -1);
  lua_pop(lua_, 1);
  if (const auto* err = std::get_if<core::KvError>(&reply.value)) {
    return core::make_error(core::Errc::kRejected, "kv script {}: {}", script.name(), err->message);
  }
  return reply;
}

}  // namespace sim::detail
