package com.layerlab.engine.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The provider's refusal to load OpenCL in a JVM that would crash with it (runs without OpenCL). */
class OpenClProviderTest {

    @Test
    void openClLoadsOnlyWhereTheJvmPreloadsItsSignalChaining() {
        assertNull(OpenClProvider.withoutSignalChaining("/usr/lib/jvm/java-17-openjdk-amd64/lib/libjsig.so"));
        assertNull(OpenClProvider.withoutSignalChaining("/opt/a.so:/opt/java/lib/libjsig.so"));
        String reason = OpenClProvider.withoutSignalChaining(null);
        assertTrue(reason.startsWith("the JVM was not started with LD_PRELOAD=$JAVA_HOME/lib/libjsig.so"), reason);
        assertEquals(reason, OpenClProvider.withoutSignalChaining("/opt/other.so"));
    }
}
