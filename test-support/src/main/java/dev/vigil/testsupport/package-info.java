/**
 * Test support for Vigil's own modules, never published: {@link dev.vigil.testsupport.RecordingLogProvider} is an
 * SLF4J 2 provider that keeps every log event of a test run in memory; {@link dev.vigil.testsupport.LogCapture},
 * a JUnit extension registered for every test by auto-detection, clears it before each test and prints it only when
 * the test failed; {@link dev.vigil.testsupport.Logs} lets a test wait for, and assert, the line that a failure it
 * provoked on purpose logs.
 *
 * <p>The build selects the provider with the system property {@code slf4j.provider} (set for every test JVM by the
 * parent pom's surefire configuration), so the provider is not registered with {@link java.util.ServiceLoader}: a JVM
 * a test starts of its own keeps whatever backend its class path has (slf4j-simple).
 */
@NotNullByDefault
package dev.vigil.testsupport;

import org.jetbrains.annotations.NotNullByDefault;
