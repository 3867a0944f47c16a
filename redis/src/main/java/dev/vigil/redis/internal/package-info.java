/** The machinery of {@link dev.vigil.redis.RedisBackplane}: message formats, Lua scripts, the entry watch. */
@NotNullByDefault
package dev.vigil.redis.internal;

import org.jetbrains.annotations.NotNullByDefault;
