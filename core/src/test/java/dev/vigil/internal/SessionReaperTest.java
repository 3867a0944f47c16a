package dev.vigil.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.Connection;
import dev.vigil.ResumeFailure;
import dev.vigil.SessionListener;
import dev.vigil.SessionLostException;
import dev.vigil.SessionPolicy;
import dev.vigil.internal.session.Admission;
import dev.vigil.internal.session.ReplayBuffer;
import dev.vigil.internal.session.SessionTable;
import dev.vigil.internal.session.SessionWire;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's session expiry on a fake clock: once, exactly at the end of the linger, with what was undelivered. */
final class SessionReaperTest {
    private static final long LINGER = TimeUnit.SECONDS.toNanos(30);

    record Expired(Connection<String> last, UUID session, List<String> undelivered) {
    }

    @Test
    @Timeout(5)
    void aSessionWhoseConnectionDiedExpiresOnceExactlyAtTheEndOfItsLinger() throws Exception {
        SessionTable<String, Connection<String>> table = new SessionTable<>(
                SessionPolicy.builder().linger(Duration.ofNanos(LINGER)).build(), new SplittableRandom(3));
        List<Expired> expired = new ArrayList<>();
        SessionListener<String> listener = new SessionListener<>() {
            @Override
            public void onSessionExpired(Connection<String> last, UUID session, List<String> undelivered) {
                expired.add(new Expired(last, session, undelivered));
            }
        };
        long[] now = {1_000};
        SessionReaper<String> reaper = new SessionReaper<>(table, () -> now[0], listener);
        Connection<String> connection = placeholder();
        Admission<String, Connection<String>> a = table.admit(SessionWire.Request.fresh(), connection, now[0]);
        Admission.Started<String, Connection<String>> started = (Admission.Started<String, Connection<String>>) a;
        ReplayBuffer.Entry<String> unconfirmed = started.link().session().out().append("fill 17", new byte[7], now[0]);
        table.detach(started.link(), true, now[0]); // died without a CLOSE frame: it lingers

        now[0] += LINGER - 1;
        assertEquals(0, reaper.expire(now[0]), "one nanosecond before the linger ends");
        assertEquals(List.of(), expired);
        now[0] += 1;
        assertEquals(1, reaper.expire(now[0]));
        assertEquals(List.of(new Expired(connection, started.answer().id(), List.of("fill 17"))), expired);
        ExecutionException lost = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> unconfirmed.delivered().get());
        assertInstanceOf(SessionLostException.class, lost.getCause());
        now[0] += LINGER;
        assertEquals(0, reaper.expire(now[0]), "a session expires once");
        assertEquals(1, expired.size());
        Admission<String, Connection<String>> late = table.admit(new SessionWire.Request(SessionWire.VERSION, true,
                false, started.answer().id(), table.epoch(), 0, 0), connection, now[0]);
        assertTrue(late instanceof Admission.Refused<String, Connection<String>> r
                && r.reason() == ResumeFailure.EXPIRED, "a late client hears EXPIRED: " + late);
    }

    @SuppressWarnings("unchecked")
    private static Connection<String> placeholder() {
        // Only passed through to the event; the expiry never calls it (a real connection would be closed by now).
        return (Connection<String>) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[]{Connection.class}, (p, m, args) -> switch (m.getName()) {
                    case "id" -> 7L;
                    case "equals" -> p == args[0];
                    case "hashCode" -> System.identityHashCode(p);
                    case "toString" -> "conn-7";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
