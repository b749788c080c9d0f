/* relay_lua.h - the relay's Redis scripts, the ws-relay/lua/ files embedded by make
 * (build/ws-relay/relay_lua.c) in the order of the RELAY_LUA_* enum (relay.h). */
#ifndef RELAY_LUA_H
#define RELAY_LUA_H

#include "relay.h"

extern const char *const relay_lua_text[RELAY_LUA__COUNT];

#endif
