package dev.ragstream.embedding;

import java.time.Duration;

/** Waits between attempts; tests substitute one that records the wait instead of taking it. */
@FunctionalInterface
interface Sleeper {

    Sleeper THREAD = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
